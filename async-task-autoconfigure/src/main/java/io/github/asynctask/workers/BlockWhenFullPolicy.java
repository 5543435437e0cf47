package io.github.asynctask.workers;

import io.github.asynctask.execution.Task;

/** {@link WhenFull#BLOCK}: wait for a free slot up to {@code block-timeout}, then refuse. */
final class BlockWhenFullPolicy implements WhenFullPolicy {

	@Override
	public boolean onFull(Task task, WorkerPool pool) {
		return block(task, pool, "");
	}

	static boolean block(Task task, WorkerPool pool, String why) {
		if (pool.awaitRoom(task)) {
			return true;
		}
		if (pool.isStopping()) {
			throw pool.rejection(task, pool.notRunningMessage());
		}
		throw pool.rejection(task, pool.fullMessage(task) + why + " and stayed full for "
				+ "async-task.block-timeout (" + pool.settings().blockTimeout().toMillis() + "ms). Raise "
				+ "async-task.queue-capacity or async-task.task-worker-num, or use tryDispatch(...) to shed load.");
	}

}
