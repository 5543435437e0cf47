package io.github.asynctask.workers;

/**
 * How a task that is not pinned to a worker ({@code onWorker}, {@code withKey}) picks one.
 */
public enum DispatchMode {

	/**
	 * An idle worker, else the one with the fewest waiting tasks, so a burst spreads evenly (Swoole's
	 * {@code task_ipc_mode} 1, without its pile-up on the first momentarily idle worker).
	 */
	IDLE_FIRST,

	/** Each worker in turn; a full worker passes its turn on. */
	ROUND_ROBIN,

	/** One queue shared by all workers, which compete for its tasks (Swoole's {@code task_ipc_mode} 3). */
	SHARED_QUEUE

}
