package io.github.asynctask.execution;

import java.util.List;

import io.github.asynctask.TaskFailureHandler;
import io.github.asynctask.TaskStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Calls the application's {@link TaskFailureHandler}s once for each task that ends {@code FAILED} or
 * {@code TIMED_OUT} (its outcome is decided once, after its last attempt, so there is no earlier call to skip);
 * what a handler throws is logged and counted as a listener error, and the others still run.
 * <p>
 * Threading: before the outcome's delivery, on the thread that decided it (for a timeout, on the thread that delivers
 * it: the watchdog runs no observer).
 */
public final class FailureHandlerObserver implements TaskObserver {

	private static final Log logger = LogFactory.getLog(FailureHandlerObserver.class);

	private final TaskFailureHandler[] handlers;

	public FailureHandlerObserver(List<? extends TaskFailureHandler> handlers) {
		this.handlers = handlers.toArray(TaskFailureHandler[]::new);
	}

	@Override
	public void finished(Task task) {
		TaskStatus status = task.status();
		if (status != TaskStatus.FAILED && status != TaskStatus.TIMED_OUT) {
			return;
		}
		for (TaskFailureHandler handler : this.handlers) {
			try {
				handler.onFailure(task);
			}
			catch (Throwable ex) {
				task.handler().counters().listenerFailed();
				try {
					logger.warn("TaskFailureHandler " + SafeText.of(handler) + " threw for " + task + "; ignored", ex);
				}
				catch (Throwable logFailure) {
					logger.warn("TaskFailureHandler threw " + ex.getClass().getName() + " for task " + task.taskId());
				}
			}
		}
	}

}
