package io.github.asynctask.workers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import io.github.asynctask.execution.Task;
import org.jspecify.annotations.Nullable;

/**
 * One thread's shift at a worker, and the loop it runs: take the next task, run it (platform threads) or start it on
 * a virtual thread of its own ({@code virtual-threads}), park when there is nothing to do, end when the worker is
 * stopped, replaced or taken from it. Platform and virtual-thread workers share this loop.
 * <p>
 * Ownership by generation: the worker's current shift is {@link Worker#shift()}; every shift is a new object with a
 * new generation, made by the {@link WorkerSupervisor} with its thread. A platform shift claims the task it runs in
 * its own {@link #running} slot; whoever decides that task's outcome instead of the thread (a timeout past its grace,
 * a stop) may take the worker from a stuck shift by swapping {@code ABANDONED} into that slot of that shift. When the
 * stuck thread comes back it finds its own claim taken and ends, without touching the queue, the counters or any
 * other shift's claim: a retry of the same task on the successor shift is claimed in the successor's slot, which the
 * old thread never sees.
 * <p>
 * Threading: {@link #run} on the shift's thread; {@link #abandon} by the thread that decided the stuck task's
 * outcome; {@link #running()} by anyone (stats, the stop).
 */
final class WorkerShift extends Padded.ShiftFields implements Runnable {

	/** Stands in {@link #running} for a task whose thread was left behind. */
	private static final Object ABANDONED = new Object();

	private static final VarHandle RUNNING;

	static {
		try {
			RUNNING = MethodHandles.lookup().findVarHandle(Padded.ShiftFields.class, "running", Object.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	@SuppressWarnings("unused")
	private long p11, p12, p13, p14, p15, p16, p17, p18;

	private final Worker worker;

	private final WorkerSupervisor supervisor;

	/** Which of the worker's shifts this is: 1 for its first thread, one more for each replacement. */
	final long generation;

	/** The number of tasks after which this shift's thread is replaced; 0: never. */
	private final int runLimit;

	/** This shift's thread; set by the supervisor before it starts. */
	@Nullable Thread thread;

	WorkerShift(Worker worker, WorkerSupervisor supervisor, long generation, int runLimit) {
		this.worker = worker;
		this.supervisor = supervisor;
		this.generation = generation;
		this.runLimit = runLimit;
	}

	@Override
	public void run() {
		try {
			loop();
		}
		finally {
			this.supervisor.ended(this.worker, this);
		}
	}

	private void loop() {
		Worker worker = this.worker;
		WorkerPool pool = worker.pool;
		VirtualRuns virtual = worker.virtualRuns;
		long lastEnd = 0;
		for (;;) {
			if (worker.shift() != this) {
				return; // replaced, or left behind
			}
			if (pool.isTerminating()) {
				worker.cancelSetAside(WorkerPool.STILL_QUEUED);
				return;
			}
			if (virtual != null && !virtual.hasPlace()) {
				worker.parking.awaitPlace(worker, this);
				continue;
			}
			Task task = worker.take(lastEnd);
			if (task == null) {
				lastEnd = 0;
				if (pool.isStopping() && worker.isDrained()) {
					if ((virtual == null || virtual.running() == 0) && !pool.retriesWaiting()
							&& !pool.limits().anyParked()) {
						return;
					}
					// a retry due during the drain still runs here: wait for it without spinning
					LockSupport.parkNanos(this, 1_000_000);
					continue;
				}
				worker.parking.idle(worker, this);
				continue;
			}
			if (virtual != null) {
				virtual.launch(task);
				continue;
			}
			RUNNING.setRelease(this, task);
			boolean decided = pool.runner().run(task, worker);
			pool.limits().release(task, worker);
			if (!RUNNING.compareAndSet(this, task, null)) {
				return; // left behind while stuck in the task: a successor shift owns the worker now
			}
			lastEnd = decided ? task.endNanos() : 0;
			if (this.runLimit > 0 && ++this.runs >= this.runLimit) {
				this.supervisor.replace(worker, this);
				return;
			}
		}
	}

	/** The task this (platform) shift runs now, or {@code null}. */
	@Nullable Task running() {
		return (RUNNING.getAcquire(this) instanceof Task task) ? task : null;
	}

	/**
	 * Takes the worker from this shift while its thread is stuck in {@code task}, whose outcome the caller decided:
	 * the thread, if it ever returns, finds its claim taken and ends.
	 * @return {@code true} if the thread was still in the task and is now left behind
	 */
	boolean abandon(Task task) {
		return RUNNING.compareAndSet(this, task, ABANDONED);
	}

	@Override
	public String toString() {
		return this.worker.toString();
	}

}
