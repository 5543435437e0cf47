package io.github.asynctask.workers;

import java.util.concurrent.ConcurrentHashMap;

import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.Task;
import io.github.asynctask.handler.TaskHandler;

/**
 * The {@code tasks.<name>.max-concurrency} limits of the pool, one {@link ConcurrencyLimit} per task name that has
 * one, made on its first task. A worker that takes a task with no place free parks it with its limit instead of
 * waiting (so no worker is held; a keyed task holds its key meanwhile, so the key's order is kept), and whoever frees
 * a place hands the next parked task to a worker's inbox.
 * <p>
 * Threading: any thread.
 */
final class ConcurrencyLimits {

	private final WorkerPool pool;

	private final ConcurrentHashMap<TaskHandler, ConcurrencyLimit> limits = new ConcurrentHashMap<>();

	ConcurrencyLimits(WorkerPool pool) {
		this.pool = pool;
	}

	static boolean isLimited(Task task) {
		return task.handler().executionSettings().maxConcurrency() > 0;
	}

	/**
	 * Whether a task taken by a worker may start now under its task name's {@code max-concurrency}; if not, it is
	 * parked until a place frees. Called by the shift of {@code worker}.
	 */
	boolean admit(Task task, Worker worker) {
		int max = task.handler().executionSettings().maxConcurrency();
		if (max == 0) {
			return true;
		}
		ConcurrencyLimit limit = this.limits.computeIfAbsent(task.handler(), (handler) -> new ConcurrencyLimit(max));
		if (limit.tryAcquire()) {
			return true;
		}
		Object key = task.routing().key();
		if (key != null) {
			this.pool.workerFor(task.routing()).holds.hold(key, task);
		}
		limit.park(task);
		grantParked(limit, worker); // a place may have freed since tryAcquire
		return false;
	}

	/** Frees the place of a task that ran under a limit and hands it to the next parked task, if any. */
	void release(Task task, Worker worker) {
		if (!isLimited(task)) {
			return;
		}
		ConcurrencyLimit limit = this.limits.get(task.handler());
		if (limit != null) {
			limit.release();
			grantParked(limit, worker);
		}
	}

	private void grantParked(ConcurrencyLimit limit, Worker current) {
		while (limit.hasParked() && limit.tryAcquire()) {
			Task next = limit.poll();
			if (next == null) {
				limit.release();
				continue;
			}
			Worker target = next.routing().isAny() ? current : this.pool.workerFor(next.routing());
			target.grant(next);
			if (this.pool.isTerminating()) {
				target.cancelHandedOver(WorkerPool.STILL_QUEUED);
			}
		}
	}

	/** Whether tasks wait for a place. */
	boolean anyParked() {
		for (ConcurrencyLimit limit : this.limits.values()) {
			if (limit.hasParked()) {
				return true;
			}
		}
		return false;
	}

	/** Tasks waiting for a place: they count as queued. */
	long parked() {
		long parked = 0;
		for (ConcurrencyLimit limit : this.limits.values()) {
			parked += limit.parked();
		}
		return parked;
	}

	/** Ends every parked task {@code CANCELLED} (at a stop). */
	int cancelParked(String reason, Completion completion) {
		int cancelled = 0;
		for (ConcurrencyLimit limit : this.limits.values()) {
			Task task;
			while ((task = limit.poll()) != null) {
				if (completion.cancel(task, reason, true)) {
					cancelled++;
				}
			}
		}
		return cancelled;
	}

}
