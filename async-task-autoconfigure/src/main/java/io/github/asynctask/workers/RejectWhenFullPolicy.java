package io.github.asynctask.workers;

import io.github.asynctask.execution.Task;

/** {@link WhenFull#REJECT}: refuse at once. */
final class RejectWhenFullPolicy implements WhenFullPolicy {

	@Override
	public boolean onFull(Task task, WorkerPool pool) {
		throw pool.rejection(task, pool.fullMessage(task) + " (async-task.when-full=reject). Raise "
				+ "async-task.queue-capacity or async-task.task-worker-num, or set async-task.when-full to block "
				+ "or caller-runs.");
	}

}
