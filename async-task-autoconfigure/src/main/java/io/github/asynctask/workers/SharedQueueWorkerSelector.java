package io.github.asynctask.workers;

import io.github.asynctask.execution.Task;

/**
 * {@link DispatchMode#SHARED_QUEUE}: one queue that every worker takes from (Swoole's {@code task_ipc_mode} 3).
 * A dispatch wakes one parked worker; a worker that takes a task and sees more waiting wakes another, so no task
 * waits while a worker sleeps.
 */
final class SharedQueueWorkerSelector implements WorkerSelector {

	@Override
	public boolean offer(Task task, WorkerPool pool) {
		return pool.offerShared(task);
	}

}
