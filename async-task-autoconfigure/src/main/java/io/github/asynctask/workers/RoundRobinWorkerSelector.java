package io.github.asynctask.workers;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.asynctask.execution.Task;

/**
 * {@link DispatchMode#ROUND_ROBIN}: each task to the next worker in turn (the one after it if that queue is full).
 */
final class RoundRobinWorkerSelector implements WorkerSelector {

	private final AtomicInteger next = new AtomicInteger();

	@Override
	public boolean offer(Task task, WorkerPool pool) {
		Worker[] workers = pool.workerArray();
		int n = workers.length;
		int start = Math.floorMod(this.next.getAndIncrement(), n);
		for (int i = 0; i < n; i++) {
			int index = start + i;
			if (pool.offerTo(workers[(index < n) ? index : index - n], task)) {
				return true;
			}
		}
		return false;
	}

}
