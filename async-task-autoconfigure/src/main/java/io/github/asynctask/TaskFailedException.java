package io.github.asynctask;

/**
 * Thrown where a value is expected when the task's handler threw ({@link TaskStatus#FAILED}); the cause is the
 * handler's exception.
 */
public class TaskFailedException extends AsyncTaskException {

	public TaskFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
