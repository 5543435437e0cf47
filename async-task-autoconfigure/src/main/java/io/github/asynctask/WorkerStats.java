package io.github.asynctask;

/**
 * A snapshot of one task worker.
 */
public interface WorkerStats {

	/** The worker id, {@code 0 .. task-worker-num - 1}. */
	int id();

	/** Whether the worker is running a task. */
	boolean busy();

	/** Tasks waiting in this worker's own queue. */
	int queued();

	/** Tasks this worker ran to an outcome. */
	long processed();

	/** Those of them that did not succeed. */
	long failed();

	/** How many times this worker's thread was replaced (see {@code async-task.task-max-request}). */
	int restarts();

}
