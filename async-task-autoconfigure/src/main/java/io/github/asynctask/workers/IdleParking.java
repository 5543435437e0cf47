package io.github.asynctask.workers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * How a worker with nothing to do waits, and how producers tell that it is idle and wake it. The worker publishes
 * {@code idleAt} (the queue position at which it found itself idle), spins briefly, yields for a while, then
 * announces {@code parked} and re-checks for work before parking; a producer enqueues, then reads {@code parked}
 * and unparks. Both sides use sequentially consistent accesses, so a wake-up is never lost.
 * <p>
 * Threading: {@link #idle} and {@link #awaitPlace} on the worker's current shift; {@link #isIdle} and
 * {@link #unpark} from any thread (dispatchers, the retry timer, other workers).
 */
final class IdleParking {

	/** Busy checks before yielding: catches a task that follows within a microsecond or so. */
	private static final int SPINS = 16;

	/**
	 * Yields before parking (tens of microseconds): a worker that yields gives its CPU to a thread waiting for it
	 * (often the one that will dispatch the next task, and on few cores it shares the CPU), yet catches the next
	 * task without the wake-up a parked thread costs the dispatcher.
	 */
	private static final int YIELDS = 64;

	private final Signals signals = new Signals();

	/** Whether the worker runs nothing and has nothing queued, as far as producers can tell cheaply. */
	boolean isIdle(WorkerQueue<?> own) {
		return this.signals.idleAt() == own.enqueued();
	}

	/** Clears the parked mark; {@code true} if the worker was parked and the caller must unpark its thread. */
	boolean unpark() {
		return this.signals.unpark();
	}

	/** Waits for work: spins, yields, then parks until a producer (or a stop) wakes the shift. */
	void idle(Worker worker, WorkerShift shift) {
		Signals signals = this.signals;
		WorkerQueue<?> own = worker.queue;
		long position = own.enqueued();
		if (signals.idleAt() != position && own.isEmptyOrFilling()) {
			signals.idleAt(position);
		}
		for (int i = 0; i < SPINS; i++) {
			if (worker.hasWork()) {
				return;
			}
			Thread.onSpinWait();
		}
		for (int i = 0; i < YIELDS; i++) {
			if (worker.hasWork()) {
				return;
			}
			Thread.yield();
		}
		signals.parked = true;
		if (worker.hasWork() || worker.pool.isStopping() || worker.shift() != shift) {
			signals.parked = false;
			return;
		}
		Thread.interrupted(); // a stray interrupt would make park return at once, for ever
		LockSupport.park(this);
		signals.parked = false;
	}

	/** With virtual threads: waits (parked) until one of the worker's task threads ends. */
	void awaitPlace(Worker worker, WorkerShift shift) {
		Signals signals = this.signals;
		signals.parked = true;
		VirtualRuns runs = worker.virtualRuns;
		if (runs == null || runs.hasPlace() || worker.pool.isStopping() || worker.shift() != shift) {
			signals.parked = false;
			return;
		}
		Thread.interrupted();
		LockSupport.park(this);
		signals.parked = false;
	}

	@SuppressWarnings("unused")
	abstract static class SignalsFields extends Padded.Left {

		volatile boolean parked;

		/**
		 * The queue position at which the worker last found itself idle: while {@code idleAt == queue.enqueued()}
		 * it runs nothing and has nothing queued. Written only when the worker becomes idle, so dispatchers read a
		 * line that changes once per idle period, not once per task.
		 */
		volatile long idleAt;

	}

	/** The fields producers read on every dispatch; the worker writes them only when it becomes idle or parks. */
	@SuppressWarnings("unused")
	static final class Signals extends SignalsFields {

		private static final VarHandle PARKED;

		private static final VarHandle IDLE_AT;

		static {
			try {
				MethodHandles.Lookup lookup = MethodHandles.lookup();
				PARKED = lookup.findVarHandle(SignalsFields.class, "parked", boolean.class);
				IDLE_AT = lookup.findVarHandle(SignalsFields.class, "idleAt", long.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private long p11, p12, p13, p14, p15, p16, p17, p18;

		boolean unpark() {
			return this.parked && PARKED.compareAndSet(this, true, false);
		}

		long idleAt() {
			return (long) IDLE_AT.getOpaque(this);
		}

		void idleAt(long position) {
			IDLE_AT.setRelease(this, position);
		}

	}

}
