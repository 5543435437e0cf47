package io.github.asynctask.workers;

import io.github.asynctask.execution.Task;

/**
 * {@link WhenFull#CALLER_RUNS}: run the task, and its listeners, on the dispatching thread. A task pinned to a worker
 * (by {@code onWorker} or {@code withKey}) never runs on the caller, which would put it ahead of its key's queued
 * tasks: it waits for room as under {@code block}. So does a task of a batch, which could not be taken back once run
 * if a later task of its batch were refused.
 */
final class CallerRunsWhenFullPolicy implements WhenFullPolicy {

	@Override
	public boolean onFull(Task task, WorkerPool pool) {
		if (task.routing().isPinned()) {
			return BlockWhenFullPolicy.block(task, pool, " (a task pinned to a worker never runs on the "
					+ "caller under async-task.when-full=caller-runs; it waits for room as under block)");
		}
		if (task.isHeld()) {
			return BlockWhenFullPolicy.block(task, pool, " (a batch's tasks wait for room under "
					+ "async-task.when-full=caller-runs, as under block)");
		}
		pool.runOnCaller(task);
		return true;
	}

}
