package io.github.asynctask;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of one task, as delivered to a {@link TaskCallback}, a {@code TaskResult}-typed {@code @OnFinish}
 * method or the list returned by {@link TaskTemplate#dispatchAllAndWait}. Immutable once delivered.
 *
 * @param <R> the result type
 */
public interface TaskResult<R> {

	/** The id returned by {@code dispatch}. */
	long taskId();

	/** The task name, e.g. {@code "SendEmail"} or {@code "report.build"}. */
	String taskName();

	/** How the task ended. */
	TaskStatus status();

	/** Whether {@link #status()} is {@link TaskStatus#SUCCEEDED}. */
	default boolean isSuccess() {
		return status() == TaskStatus.SUCCEEDED;
	}

	/** The {@code @OnTask} method's return value; {@code null} unless the task succeeded with a non-null result. */
	@Nullable R value();

	/** The exception that ended the task; {@code null} if it succeeded. */
	@Nullable Throwable error();

	/** The worker that ran the task, or {@code -1} if it ran on the caller's thread or never ran. */
	int workerId();

	/** How many times the handler was invoked; {@code 0} if it never ran. */
	int attempts();

	/** How long the handler ran; {@link Duration#ZERO} if it never ran. */
	Duration runTime();

	/**
	 * The payload the task was dispatched with, so that a listener can tell which task this was (which email
	 * failed) without the handler carrying its payload into an exception.
	 */
	Object payload();

}
