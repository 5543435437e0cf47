package io.github.asynctask;

import java.time.Instant;

/**
 * What a running task knows about itself. Declare it as a parameter of an {@code @OnTask} method (in any position
 * next to the payload) or of an {@code @OnFinish} method after the result.
 * <p>
 * Threading: valid on the thread that runs the handler or listener it was passed to; do not keep it.
 */
public interface TaskContext {

	/** The id returned by {@code dispatch}. */
	long taskId();

	/** The task name. */
	String taskName();

	/** The worker running the task, or {@code -1} on the caller's thread ({@code inline}, {@code caller-runs}). */
	int workerId();

	/** The attempt being run, starting at 1. */
	int attempt();

	/** The node that dispatched the task ({@code "local"} in-process). */
	String originNode();

	/** When the task was dispatched. */
	Instant dispatchedAt();

}
