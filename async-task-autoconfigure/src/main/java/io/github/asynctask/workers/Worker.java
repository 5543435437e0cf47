package io.github.asynctask.workers;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

import io.github.asynctask.WorkerStats;
import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.Task;
import org.jspecify.annotations.Nullable;

/**
 * One task worker: its own queue, and what it takes tasks from before the queue (its {@link WorkerInbox}, the tasks
 * set aside behind its {@link KeyHolds} and its {@link HeldBatchTasks}); one thread at a time drains them, in a
 * {@link WorkerShift} that the {@link WorkerSupervisor} starts, replaces and lets go. Only the current shift polls
 * the queue and writes the worker's per-task counters.
 * <p>
 * Threading: {@link #take} and the set-aside parts from the current shift; {@link #retry}, {@link #grant},
 * {@link #signalIfParked} and the stats from any thread.
 */
final class Worker implements Completion.Tally {

	private static final int STARTED = 0;

	private static final int WAITS_FOR_PLACE = 1;

	private static final int NOT_STARTED = 2;

	final int id;

	final WorkerQueue<Task> queue;

	final WorkerPool pool;

	private final @Nullable SharedTaskQueue<Task> shared;

	final IdleParking parking = new IdleParking();

	final WorkerCounters counters = new WorkerCounters();

	private final WorkerInbox inbox = new WorkerInbox();

	final KeyHolds holds = new KeyHolds();

	private final HeldBatchTasks batches = new HeldBatchTasks();

	/** With {@code virtual-threads}: the tasks running on their own threads; otherwise {@code null}. */
	final @Nullable VirtualRuns virtualRuns;

	/** Wakes this worker when a held task it set aside is released. */
	private final Runnable wakeUp = this::signalIfParked;

	/** The shift that owns the worker now; {@code null} before the first and after the last. */
	private volatile @Nullable WorkerShift shift;

	Worker(int id, int queueCapacity, @Nullable SharedTaskQueue<Task> shared, WorkerPool pool,
			@Nullable ThreadFactory virtualThreads, int concurrency) {
		this.id = id;
		this.queue = new WorkerQueue<>(queueCapacity);
		this.shared = shared;
		this.pool = pool;
		this.virtualRuns = (virtualThreads != null) ? new VirtualRuns(this, virtualThreads, concurrency) : null;
	}

	@Nullable WorkerShift shift() {
		return this.shift;
	}

	void shift(@Nullable WorkerShift shift) {
		this.shift = shift;
	}

	/** Whether the worker runs nothing and has nothing queued, as far as producers can tell cheaply. */
	boolean isIdle() {
		return this.parking.isIdle(this.queue);
	}

	/** Wakes the worker if it is parked; {@code true} if it was. */
	boolean signalIfParked() {
		if (this.parking.unpark()) {
			WorkerShift shift = this.shift;
			if (shift != null) {
				LockSupport.unpark(shift.thread);
			}
			return true;
		}
		return false;
	}

	/** The task the current platform shift runs now, or {@code null}. */
	@Nullable Task running() {
		WorkerShift shift = this.shift;
		return (shift != null) ? shift.running() : null;
	}

	/** Counts a task the current platform shift decided, before its outcome is delivered. */
	@Override
	public void decided(Task task) {
		this.counters.ran(task.isSuccess());
	}

	// Taking the next task

	/**
	 * The next task this shift may run, started; {@code null} if there is none now. Handed-over tasks come first,
	 * then tasks released from key holds, then released batch tasks, then the queues. Tombstones are passed (and a
	 * cancelled task's deferred delivery made), held tasks set aside.
	 */
	@Nullable Task take(long lastEnd) {
		if (this.inbox.count() > 0) {
			Task task = takeFromInbox(lastEnd);
			if (task != null) {
				return task;
			}
		}
		Task task;
		this.holds.releaseEnded();
		while ((task = this.holds.pollReleased()) != null) {
			if (this.holds.setAside(task)) {
				continue;
			}
			int start = start(task, lastEnd);
			if (start == STARTED) {
				return task;
			}
			if (start == NOT_STARTED) {
				this.pool.runner().completion().deliverDeferred(task);
			}
		}
		while ((task = this.batches.pollReleased()) != null) {
			int start = start(task, lastEnd);
			if (start == STARTED) {
				return task;
			}
			if (start == NOT_STARTED) {
				passed(task, task.place() == this.shared);
			}
		}
		return takeQueued(lastEnd);
	}

	private @Nullable Task takeFromInbox(long lastEnd) {
		Task task;
		while ((task = this.inbox.pollGranted()) != null) {
			Thread.interrupted();
			if (task.tryStart(this.id, (lastEnd != 0) ? lastEnd : System.nanoTime())) {
				return task;
			}
			this.pool.limits().release(task, this);
			this.pool.runner().completion().deliverDeferred(task);
		}
		while ((task = this.inbox.pollRetried()) != null) {
			int start = start(task, lastEnd);
			if (start == STARTED) {
				return task;
			}
			if (start == NOT_STARTED) {
				this.pool.runner().completion().deliverDeferred(task);
			}
		}
		return null;
	}

	private @Nullable Task takeQueued(long lastEnd) {
		WorkerPool pool = this.pool;
		for (;;) {
			Task task = this.queue.poll();
			boolean fromShared = false;
			if (task == null && this.shared != null) {
				task = this.shared.poll();
				fromShared = true;
			}
			if (task == null) {
				return null;
			}
			pool.roomMade();
			if (this.holds.setAside(task)) {
				continue;
			}
			boolean limited = ConcurrencyLimits.isLimited(task) && task.isQueued();
			if (limited && !pool.limits().admit(task, this)) {
				continue; // parked until a place frees under its max-concurrency
			}
			Thread.interrupted(); // a task starts with its thread's interrupt status clear
			long now = (lastEnd != 0) ? lastEnd : System.nanoTime();
			for (;;) {
				if (task.tryStart(this.id, now)) {
					if (this.shared != null && !this.shared.isEmptyOrFilling()) {
						pool.wakeAnotherThan(this); // the shared queue still holds tasks: pass the wake-up on
					}
					return task;
				}
				if (task.isHeld()) {
					this.batches.setAside(task, this.wakeUp);
					break;
				}
				if (!task.isQueued()) {
					passed(task, fromShared); // cancelled or withdrawn
					break;
				}
				// released between the failed start and the check: start it now
			}
			if (limited) {
				pool.limits().release(task, this); // it did not start: its place under max-concurrency frees
			}
		}
	}

	/**
	 * Starts a task taken from the inbox or from the tasks set aside: {@code STARTED}; {@code WAITS_FOR_PLACE} if it
	 * went to wait for a place under its {@code max-concurrency}; {@code NOT_STARTED} if it was ended meanwhile (the
	 * caller passes it on), its place given back.
	 */
	private int start(Task task, long lastEnd) {
		boolean limited = ConcurrencyLimits.isLimited(task) && task.isQueued();
		if (limited && !this.pool.limits().admit(task, this)) {
			return WAITS_FOR_PLACE;
		}
		Thread.interrupted(); // a task starts with its thread's interrupt status clear
		if (task.tryStart(this.id, (lastEnd != 0) ? lastEnd : System.nanoTime())) {
			return STARTED;
		}
		if (limited) {
			this.pool.limits().release(task, this);
		}
		return NOT_STARTED;
	}

	/** A task that was cancelled or withdrawn while queued: it leaves the queue, its outcome (if any) delivered. */
	private void passed(Task task, boolean fromShared) {
		if (fromShared && this.shared != null) {
			this.shared.passed();
		}
		else if (task.place() == this.queue) {
			this.queue.passed();
		}
		this.pool.runner().completion().deliverDeferred(task);
	}

	// Handing tasks over

	/** Hands a task back for its next attempt; any thread. */
	void retry(Task task) {
		this.inbox.retry(task);
		signalIfParked();
	}

	/** Hands over a task given a place under its {@code max-concurrency}; any thread. */
	void grant(Task task) {
		this.inbox.grant(task);
		signalIfParked();
	}

	/** Cancels the tasks handed over but not started; any thread. */
	int cancelHandedOver(String reason) {
		Completion completion = this.pool.runner().completion();
		int cancelled = 0;
		Task task;
		while ((task = this.inbox.pollGranted()) != null) {
			this.pool.limits().release(task, this);
			if (completion.cancel(task, reason, true)) {
				cancelled++;
			}
		}
		while ((task = this.inbox.pollRetried()) != null) {
			if (completion.cancel(task, reason, true)) {
				cancelled++;
			}
		}
		return cancelled;
	}

	/**
	 * Cancels every task this worker set aside or was handed (at a stop): tasks of batches, tasks behind a held key,
	 * retries and granted tasks not started; once its shift is gone or ending.
	 */
	int cancelSetAside(String reason) {
		Completion completion = this.pool.runner().completion();
		int[] cancelled = { 0 };
		java.util.function.Consumer<Task> cancel = (task) -> {
			if (completion.cancel(task, reason, true)) {
				cancelled[0]++;
			}
		};
		this.batches.drain(cancel);
		this.holds.drain(cancel);
		return cancelled[0] + cancelHandedOver(reason);
	}

	// State

	private boolean isEmpty() {
		return this.queue.isEmptyOrFilling() && (this.shared == null || this.shared.isEmptyOrFilling());
	}

	/** Whether nothing is queued, set aside or handed over (the shift may end at a stop). */
	boolean isDrained() {
		return isEmpty() && this.batches.count() == 0 && this.holds.count() == 0;
	}

	/** Whether {@link #take} may find a task now (checked before parking). */
	boolean hasWork() {
		return !isEmpty() || this.inbox.count() > 0 || this.holds.hasReleasable() || this.batches.hasReleased();
	}

	int queued() {
		return this.queue.size() + this.batches.count() + this.inbox.count() + this.holds.count();
	}

	boolean busy() {
		VirtualRuns virtual = this.virtualRuns;
		return (virtual != null) ? virtual.running() > 0 : running() != null;
	}

	/** Tasks this worker runs now. */
	int runningCount() {
		VirtualRuns virtual = this.virtualRuns;
		return (virtual != null) ? virtual.running() : (running() != null) ? 1 : 0;
	}

	WorkerStats stats() {
		WorkerCounters counters = this.counters;
		return new Snapshot(this.id, busy(), queued(), counters.processed(), counters.failed(), counters.restarts());
	}

	@Override
	public String toString() {
		return String.valueOf(this.id);
	}

	record Snapshot(int id, boolean busy, int queued, long processed, long failed, int restarts)
			implements WorkerStats {
	}

}
