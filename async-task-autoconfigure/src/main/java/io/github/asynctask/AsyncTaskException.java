package io.github.asynctask;

import org.jspecify.annotations.Nullable;

/**
 * Root of the exceptions async-task throws.
 */
public abstract class AsyncTaskException extends RuntimeException {

	protected AsyncTaskException(String message) {
		super(message);
	}

	protected AsyncTaskException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
