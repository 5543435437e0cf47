package io.github.asynctask;

/**
 * Receives the outcome of one task dispatched with {@link TaskTemplate#dispatch(Object, TaskCallback)}. It
 * replaces the {@code @OnFinish} listeners for that task.
 * <p>
 * Threading: called exactly once, on the task worker thread that ran the task, right after it ran (or on the
 * thread that cancelled it). It must not block for long: the worker runs no other task meanwhile. An exception
 * it throws is logged and counted; it never reaches the worker.
 *
 * @param <R> the result type of the task
 */
@FunctionalInterface
public interface TaskCallback<R> {

	/**
	 * Called once with the task's outcome.
	 * @param result the outcome, whatever its status
	 */
	void onFinish(TaskResult<R> result);

}
