package io.github.asynctask;

/**
 * The last resort for tasks that did not succeed: a bean of this type is called once for each task that ends
 * {@link TaskStatus#FAILED} or {@link TaskStatus#TIMED_OUT} after all its retries (not for an attempt that is
 * retried, nor for a {@code CANCELLED} task), for example to store it for a later look. It is called besides the
 * task's normal outcome (callback, future, waiter or {@code @OnFinish}), not instead of it.
 * <p>
 * Threading: called on the thread that decided the outcome (the worker that ran the last attempt, or the thread
 * that watches timeouts), before the outcome is delivered; keep it short and do not block. Whatever it throws is
 * logged and counted, and changes nothing else.
 */
@FunctionalInterface
public interface TaskFailureHandler {

	/**
	 * Called once for a task that ended {@code FAILED} or {@code TIMED_OUT}.
	 * @param result the task's outcome: its name, payload, error and number of attempts
	 */
	void onFailure(TaskResult<?> result);

}
