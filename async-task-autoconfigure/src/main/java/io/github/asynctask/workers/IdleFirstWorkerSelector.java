package io.github.asynctask.workers;

import io.github.asynctask.execution.Task;

/**
 * {@link DispatchMode#IDLE_FIRST}: the last worker chosen while it is idle, else the next idle one, else the least
 * loaded one, ties going away from the last chosen (it got a task most recently). Staying with an idle worker keeps
 * a stream of short tasks on one awake thread (no wake-ups, warm caches), while a burst of slow tasks still spreads
 * evenly. Whether a worker is idle is read from a mark it writes only when it becomes idle, so while the chosen
 * worker is idle or busy for a stretch a dispatch reads no line the worker writes per task; only when no worker is
 * idle does it read the queues' consumer positions to find the shortest.
 */
final class IdleFirstWorkerSelector implements WorkerSelector {

	/** The last worker chosen: a racy hint is fine, it only orders the search. */
	private int cursor;

	@Override
	public boolean offer(Task task, WorkerPool pool) {
		Worker[] workers = pool.workerArray();
		int n = workers.length;
		int chosen = choose(workers);
		for (int i = 0; i < n; i++) {
			int index = chosen + i;
			if (pool.offerTo(workers[(index < n) ? index : index - n], task)) {
				return true;
			}
		}
		return false;
	}

	private int choose(Worker[] workers) {
		int n = workers.length;
		int start = this.cursor;
		if (workers[start].isIdle()) {
			return start;
		}
		for (int i = 1; i < n; i++) {
			int index = start + i;
			if (index >= n) {
				index -= n;
			}
			if (workers[index].isIdle()) {
				this.cursor = index;
				return index;
			}
		}
		// nobody idle: the shortest queue
		int best = start;
		long bestLoad = workers[start].queue.length();
		for (int i = 1; i < n; i++) {
			int index = start + i;
			if (index >= n) {
				index -= n;
			}
			long load = workers[index].queue.length();
			if (load < bestLoad || (load == bestLoad && best == start)) {
				bestLoad = load;
				best = index;
			}
		}
		this.cursor = best;
		return best;
	}

}
