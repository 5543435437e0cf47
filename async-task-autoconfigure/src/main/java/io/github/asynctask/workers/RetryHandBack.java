package io.github.asynctask.workers;

import io.github.asynctask.dispatch.Routing;
import io.github.asynctask.execution.RetryScheduler;
import io.github.asynctask.execution.Task;

/**
 * Where a task goes back to for its next attempt once its backoff is over: the inbox of its worker if it is pinned
 * ({@code onWorker}, {@code withKey}: a keyed task's later tasks wait behind it meanwhile), else of an idle worker,
 * else of the worker it last ran on. Never refused for want of room. In {@code inline} mode there are no workers:
 * the next attempt runs on the retry timer's thread.
 * <p>
 * Threading: {@link #holding} on the thread that requeued the task; the others on the retry timer.
 */
final class RetryHandBack implements RetryScheduler.Target {

	private final WorkerPool pool;

	RetryHandBack(WorkerPool pool) {
		this.pool = pool;
	}

	@Override
	public void holding(Task task) {
		Object key = task.routing().key();
		if (key != null && !this.pool.settings().inline()) {
			this.pool.workerFor(task.routing()).holds.hold(key, task);
		}
	}

	@Override
	public void resend(Task task) {
		if (this.pool.settings().inline()) {
			if (task.tryStart(-1, System.nanoTime())) {
				this.pool.runner().run(task, null);
			}
			return;
		}
		Routing routing = task.routing();
		Worker worker = routing.isAny() ? idleOrLast(task) : this.pool.workerFor(routing);
		worker.retry(task);
		if (this.pool.isTerminating()) {
			worker.cancelHandedOver(WorkerPool.STILL_QUEUED); // its shift may be gone: do not leave the task behind
		}
	}

	@Override
	public void released(Task task) {
		if (task.routing().key() != null && !this.pool.settings().inline()) {
			this.pool.workerFor(task.routing()).signalIfParked();
		}
	}

	/** An idle worker if there is one, else the one the task last ran on. */
	private Worker idleOrLast(Task task) {
		Worker[] workers = this.pool.workerArray();
		for (Worker worker : workers) {
			if (worker.isIdle()) {
				return worker;
			}
		}
		int last = task.workerId();
		return workers[(last >= 0 && last < workers.length) ? last : 0];
	}

}
