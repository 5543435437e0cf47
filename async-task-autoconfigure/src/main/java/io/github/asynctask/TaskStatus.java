package io.github.asynctask;

/**
 * How a task ended. Every accepted task ends in exactly one of these.
 */
public enum TaskStatus {

	/** The {@code @OnTask} method returned normally; its return value is the result. */
	SUCCEEDED,

	/** The {@code @OnTask} method threw; {@link TaskResult#error()} holds the exception. */
	FAILED,

	/** The task, or the wait for it, ran past its deadline. */
	TIMED_OUT,

	/** The task was removed before it started: by {@link TaskTemplate#cancel(long)} or at shutdown. */
	CANCELLED

}
