package io.github.asynctask.execution;

/**
 * Thrown out of the execution chain on a thread that was left behind: its attempt ran past the timeout and the
 * grace, and someone else took over the task (decided it, or retried it) and the worker. The {@link TaskRunner}
 * drops whatever the attempt produced (counted as a dropped result) and touches the task no more.
 */
final class AbandonedAttempt extends RuntimeException {

	static final AbandonedAttempt INSTANCE = new AbandonedAttempt();

	private AbandonedAttempt() {
		super("attempt abandoned after its timeout and grace", null, false, false);
	}

}
