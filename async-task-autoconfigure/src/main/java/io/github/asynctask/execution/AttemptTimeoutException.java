package io.github.asynctask.execution;

import io.github.asynctask.TaskTimeoutException;

/**
 * The error of an attempt that ran past its handler's timeout: its task ends {@code TIMED_OUT} (or is retried while
 * retries remain). Distinct from a {@link TaskTimeoutException} a handler itself throws (e.g. from a
 * {@code dispatchAndWait} of its own), which fails the task like any other exception.
 */
public final class AttemptTimeoutException extends TaskTimeoutException {

	public AttemptTimeoutException(String message) {
		super(message);
	}

}
