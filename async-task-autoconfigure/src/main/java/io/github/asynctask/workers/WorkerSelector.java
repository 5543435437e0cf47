package io.github.asynctask.workers;

import io.github.asynctask.execution.Task;

/**
 * How a task that may run on any worker finds one: one strategy per {@link DispatchMode}.
 * <p>
 * Threading: called concurrently by dispatching threads; must not block.
 */
interface WorkerSelector {

	/**
	 * Offers the task to the queue(s) this strategy picks, in its order of preference.
	 * @return {@code false} if every queue it tried was full
	 */
	boolean offer(Task task, WorkerPool pool);

	static WorkerSelector of(DispatchMode mode) {
		return switch (mode) {
			case IDLE_FIRST -> new IdleFirstWorkerSelector();
			case ROUND_ROBIN -> new RoundRobinWorkerSelector();
			case SHARED_QUEUE -> new SharedQueueWorkerSelector();
		};
	}

}
