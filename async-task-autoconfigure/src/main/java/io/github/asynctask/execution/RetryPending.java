package io.github.asynctask.execution;

/**
 * Thrown out of the execution chain by the {@link RetryInterceptor} when a failed attempt will be retried: the task
 * is back to {@code QUEUED}, waiting out its backoff, and the {@link TaskRunner} decides no outcome for it now.
 */
final class RetryPending extends RuntimeException {

	static final RetryPending INSTANCE = new RetryPending();

	private RetryPending() {
		super("the task waits for its next attempt", null, false, false);
	}

}
