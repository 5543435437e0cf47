package io.github.asynctask.workers;

/**
 * What {@code dispatch} does when the queue a task should go to is full.
 */
public enum WhenFull {

	/** Wait for room up to {@code block-timeout}, then throw {@code TaskRejectedException}. */
	BLOCK,

	/** Throw {@code TaskRejectedException} at once. */
	REJECT,

	/** Run the task, and its listeners, on the dispatching thread before {@code dispatch} returns. */
	CALLER_RUNS

}
