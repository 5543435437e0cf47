package io.github.asynctask.execution;

import io.github.asynctask.handler.TaskHandler;
import org.jspecify.annotations.Nullable;

/**
 * The retry link: the outermost link of the chain of every handler with {@code retries > 0}. An attempt that throws
 * (a timeout included) goes to the {@link RetryScheduler}; if it retries the task, the attempt ends without an
 * outcome ({@link RetryPending}) and the task waits out its backoff off any worker. Otherwise the error goes on to
 * the runner, which decides the outcome.
 * <p>
 * Threading: {@link #aroundInvoke} on the thread that runs the attempt.
 */
public final class RetryInterceptor implements TaskInterceptor {

	private final RetryScheduler scheduler;

	public RetryInterceptor(RetryScheduler scheduler) {
		this.scheduler = scheduler;
	}

	@Override
	public boolean appliesTo(TaskHandler handler) {
		return handler.executionSettings().retries() > 0;
	}

	@Override
	public boolean readsDispatchTime() {
		return false;
	}

	@Override
	public @Nullable Object aroundInvoke(Task task, int slot, TaskInvocation next) throws Throwable {
		try {
			return next.proceed();
		}
		catch (AbandonedAttempt ex) {
			throw ex; // left behind: whoever took the task over retries it
		}
		catch (Throwable ex) {
			if (this.scheduler.retry(task, ex, System.nanoTime())) {
				throw RetryPending.INSTANCE;
			}
			throw ex;
		}
	}

}
