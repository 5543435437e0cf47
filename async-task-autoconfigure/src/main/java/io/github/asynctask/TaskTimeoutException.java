package io.github.asynctask;

/**
 * Thrown where a value is expected when the task, or the wait for it, ran past its deadline
 * ({@link TaskStatus#TIMED_OUT}). A timed-out wait does not stop the task.
 */
public class TaskTimeoutException extends AsyncTaskException {

	public TaskTimeoutException(String message) {
		super(message);
	}

}
