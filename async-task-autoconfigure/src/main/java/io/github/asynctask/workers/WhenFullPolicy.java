package io.github.asynctask.workers;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.execution.Task;

/**
 * What a dispatch does when its task finds no room: one strategy per {@link WhenFull} value.
 * <p>
 * Threading: runs on the dispatching thread; may block as its policy says.
 */
interface WhenFullPolicy {

	/**
	 * Acts on a task that found every queue it may use full.
	 * @return {@code true} once the task was queued or run
	 * @throws TaskRejectedException if the policy refuses it, naming the problem and the fix
	 */
	boolean onFull(Task task, WorkerPool pool);

	static WhenFullPolicy of(WhenFull whenFull) {
		return switch (whenFull) {
			case BLOCK -> new BlockWhenFullPolicy();
			case REJECT -> new RejectWhenFullPolicy();
			case CALLER_RUNS -> new CallerRunsWhenFullPolicy();
		};
	}

}
