package io.github.asynctask;

/**
 * Thrown at dispatch when no {@code @OnTask} method, or more than one, can take a payload, or when a task name is
 * unknown. The message lists the registered task names.
 */
public class NoTaskHandlerException extends AsyncTaskException {

	public NoTaskHandlerException(String message) {
		super(message);
	}

}
