package io.github.asynctask.execution;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.handler.ExecutionSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Retries: decides whether a failed (or timed-out) attempt is tried again and, if so, puts the task back to
 * {@code QUEUED} and waits out its {@link Backoff} on a timer, never on a worker, before handing it back to the
 * transport ({@link Target#resend}). While it waits, the task counts as queued ({@link #waiting()}) and ends
 * {@code CANCELLED} if the server stops ({@link #cancelWaiting}).
 * <p>
 * Asked by the {@link RetryInterceptor} (the retry link of the execution chain) when an attempt throws, and by the
 * {@link TimeoutWatchdog} when it leaves a stuck attempt behind.
 * <p>
 * Threading: {@link #retry} is called by the thread that ran the attempt (or the one that abandoned it); the timer
 * is one daemon thread, started with the first retry, that only hands tasks over.
 */
public final class RetryScheduler {

	private static final Log logger = LogFactory.getLog(RetryScheduler.class);

	private final Duration maxBackoff;

	private final Completion completion;

	private final Target target;

	private final Set<Waiting> waiting = ConcurrentHashMap.newKeySet();

	private volatile @Nullable ScheduledThreadPoolExecutor timer;

	public RetryScheduler(Duration maxBackoff, Completion completion, Target target) {
		this.maxBackoff = maxBackoff;
		this.completion = completion;
		this.target = target;
	}

	/**
	 * Retries a task whose attempt just failed, if its handler's settings allow: retries remain, and the error is one
	 * they retry (a timeout always is).
	 * @param task a {@code RUNNING} task whose attempt ended
	 * @param error what the attempt ended with
	 * @param nanos {@link System#nanoTime()} when it ended
	 * @return {@code true} if the task will be retried (its outcome is not decided now)
	 */
	public boolean retry(Task task, Throwable error, long nanos) {
		ExecutionSettings settings = task.handler().executionSettings();
		if (task.attempts() > settings.retries()) {
			return false;
		}
		if (!(error instanceof AttemptTimeoutException) && !settings.isRetryable(error)) {
			return false;
		}
		if (!task.tryRequeue(nanos)) {
			return false; // decided meanwhile (a stop): the caller's result is late
		}
		task.earlierError(error);
		this.completion.events().retried(task);
		this.target.holding(task);
		long delay = Backoff.delayNanos(settings.backoff(), task.attempts(), this.maxBackoff);
		Waiting entry = new Waiting(task);
		this.waiting.add(entry);
		entry.future = timer().schedule(entry, delay, TimeUnit.NANOSECONDS);
		return true;
	}

	/** Tasks waiting for their next attempt now. */
	public int waiting() {
		return this.waiting.size();
	}

	/**
	 * Ends every task still waiting for its next attempt {@code CANCELLED}, delivering each outcome.
	 * @return how many
	 */
	public int cancelWaiting(String reason) {
		int cancelled = 0;
		for (Waiting entry : this.waiting) {
			if (this.waiting.remove(entry)) {
				ScheduledFuture<?> future = entry.future;
				if (future != null) {
					future.cancel(false);
				}
				if (this.completion.cancel(entry.task, reason, true)) {
					cancelled++;
				}
				this.target.released(entry.task);
			}
		}
		return cancelled;
	}

	/**
	 * Takes back a task waiting for its next attempt: it ends {@code CANCELLED}.
	 * @return {@code true} if it was waiting here
	 */
	public boolean cancel(long taskId, String reason) {
		for (Waiting entry : this.waiting) {
			if (entry.task.taskId() == taskId && this.waiting.remove(entry)) {
				ScheduledFuture<?> future = entry.future;
				if (future != null) {
					future.cancel(false);
				}
				boolean cancelled = this.completion.cancel(entry.task, reason, false);
				this.target.released(entry.task);
				return cancelled;
			}
		}
		return false;
	}

	/** Stops the timer thread (tasks still waiting should have been cancelled first). */
	public void shutdown() {
		ScheduledThreadPoolExecutor timer = this.timer;
		if (timer != null) {
			timer.shutdownNow();
			this.timer = null;
		}
	}

	private ScheduledThreadPoolExecutor timer() {
		ScheduledThreadPoolExecutor timer = this.timer;
		if (timer == null) {
			synchronized (this) {
				timer = this.timer;
				if (timer == null) {
					timer = new ScheduledThreadPoolExecutor(1, (runnable) -> {
						Thread thread = new Thread(runnable, "async-task-retry-timer");
						thread.setDaemon(true);
						return thread;
					});
					timer.setRemoveOnCancelPolicy(true);
					this.timer = timer;
				}
			}
		}
		return timer;
	}

	/** Where retried tasks go: the transport that ran them. */
	public interface Target {

		/**
		 * A task was put back to {@code QUEUED} and waits for its next attempt: e.g. later tasks of its key must wait
		 * for it. Called on the thread that requeued it.
		 */
		default void holding(Task task) {
		}

		/** A task's backoff is over: run its next attempt (never refused for want of room). */
		void resend(Task task);

		/** A task that waited for its next attempt ended without one (cancelled at a stop). */
		default void released(Task task) {
		}

	}

	private final class Waiting implements Runnable {

		final Task task;

		volatile @Nullable ScheduledFuture<?> future;

		Waiting(Task task) {
			this.task = task;
		}

		@Override
		public void run() {
			if (!RetryScheduler.this.waiting.remove(this)) {
				return; // cancelled at a stop
			}
			try {
				RetryScheduler.this.target.resend(this.task);
			}
			catch (Throwable ex) {
				logger.error("Could not hand " + SafeText.of(this.task) + " back for its next attempt", ex);
				RetryScheduler.this.completion.cancel(this.task, "could not be retried: " + ex, true);
			}
		}

	}

}
