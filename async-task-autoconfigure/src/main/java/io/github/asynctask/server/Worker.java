package io.github.asynctask.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import io.github.asynctask.WorkerStats;
import org.jspecify.annotations.Nullable;

/**
 * One task worker: its own queue and the thread that drains it. The counters are written only by the worker's
 * current thread (release stores, no locks) and read by anyone.
 * <p>
 * Idle protocol: a worker with nothing to do spins briefly, then yields for a while, then announces
 * {@code parked} and re-checks its queues before parking; a producer enqueues, then reads {@code parked} and
 * unparks. Both sides use sequentially consistent accesses, so a wake-up is never lost.
 */
final class Worker implements Runnable {

	/** Busy checks before yielding: catches a task that follows within a microsecond or so. */
	private static final int SPINS = 16;

	/**
	 * Yields before parking (tens of microseconds): a worker that yields gives its CPU to a thread waiting for it
	 * (often the one that will dispatch the next task, and on few cores it shares the CPU), yet catches the next
	 * task without the wake-up a parked thread costs the dispatcher.
	 */
	private static final int YIELDS = 64;

	private static final VarHandle PARKED;

	private static final VarHandle DONE;


	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			PARKED = lookup.findVarHandle(Worker.class, "parked", boolean.class);
			DONE = lookup.findVarHandle(Worker.class, "done", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	final int id;

	final WorkerQueue<Task> queue;

	private final @Nullable SharedTaskQueue<Task> shared;

	private final LocalTaskServer server;

	private final String threadName;

	private volatile @Nullable Thread thread;

	private volatile boolean parked;

	/** Tasks taken from this worker's own queue and finished with (run, or skipped as cancelled). */
	private long done;

	/** Written by the worker for every task and read only by stats: kept off the lines producers read. */
	private final Counters counters = new Counters();

	private volatile int restarts;

	private int runsOnThisThread;

	Worker(int id, int queueCapacity, @Nullable SharedTaskQueue<Task> shared, LocalTaskServer server, String threadName) {
		this.id = id;
		this.queue = new WorkerQueue<>(queueCapacity);
		this.shared = shared;
		this.server = server;
		this.threadName = threadName;
	}

	void start() {
		Thread thread = new Thread(this, this.threadName);
		thread.setDaemon(true);
		this.thread = thread;
		thread.start();
	}

	/** Tasks queued on this worker or running on it: 0 means idle. */
	long load() {
		return this.queue.enqueued() - (long) DONE.getOpaque(this);
	}

	/** Wakes the worker if it is parked; {@code true} if it was. */
	boolean signalIfParked() {
		if (this.parked && PARKED.compareAndSet(this, true, false)) {
			LockSupport.unpark(this.thread);
			return true;
		}
		return false;
	}

	void interrupt() {
		Thread thread = this.thread;
		if (thread != null && this.counters.busy()) {
			thread.interrupt();
		}
	}

	@Override
	public void run() {
		try {
			loop();
		}
		finally {
			if (Thread.currentThread() == this.thread) {
				this.server.workerExited(this);
			}
		}
	}

	private void loop() {
		WorkerQueue<Task> own = this.queue;
		LocalTaskServer server = this.server;
		Thread self = Thread.currentThread();
		for (;;) {
			if (server.isAbandoned() || this.thread != self) {
				return; // stopped after shutdown-timeout, or replaced by a restart while stuck in a task
			}
			Task task = own.poll();
			boolean fromOwn = task != null;
			if (task == null && this.shared != null) {
				task = this.shared.poll();
			}
			if (task == null) {
				if (server.isStopping() && isEmpty()) {
					return;
				}
				idle();
				continue;
			}
			Counters counters = this.counters;
			counters.busy(true);
			if (task.tryStart(this.id)) {
				counters.ran(task.run()); // counted before delivery: a woken waiter sees it in stats()
				server.deliver(task);
			}
			else if (task.claimCancelledDelivery()) {
				server.deliver(task);
			}
			counters.busy(false);
			if (fromOwn) {
				DONE.setRelease(this, this.done + 1);
			}
			if (Thread.interrupted() && server.isAbandoned()) {
				return;
			}
			server.roomMade();
			if (server.taskMaxRequest > 0 && ++this.runsOnThisThread >= server.taskMaxRequest) {
				replaceThread();
				return;
			}
		}
	}

	private void replaceThread() {
		this.runsOnThisThread = 0;
		this.restarts++;
		start();
	}

	private boolean isEmpty() {
		return this.queue.isEmptyOrFilling() && (this.shared == null || this.shared.isEmptyOrFilling());
	}

	private void idle() {
		for (int i = 0; i < SPINS; i++) {
			if (!isEmpty()) {
				return;
			}
			Thread.onSpinWait();
		}
		for (int i = 0; i < YIELDS; i++) {
			if (!isEmpty()) {
				return;
			}
			Thread.yield();
		}
		this.parked = true;
		if (!isEmpty() || this.server.isStopping()) {
			this.parked = false;
			return;
		}
		LockSupport.park(this);
		this.parked = false;
	}

	WorkerStats stats() {
		boolean busy = this.counters.busy();
		return new Snapshot(this.id, busy, this.queue.size(), this.counters.processed(), this.counters.failed(),
				this.restarts);
	}


	/**
	 * The counters only the worker's thread writes (release stores, no atomics), padded onto cache lines of their
	 * own so that writing them does not evict the lines producers read ({@code done}, {@code parked}).
	 */
	@SuppressWarnings("unused")
	static final class Counters {

		private static final VarHandle PROCESSED;

		private static final VarHandle FAILED;

		private static final VarHandle BUSY;

		static {
			try {
				MethodHandles.Lookup lookup = MethodHandles.lookup();
				PROCESSED = lookup.findVarHandle(Counters.class, "processed", long.class);
				FAILED = lookup.findVarHandle(Counters.class, "failed", long.class);
				BUSY = lookup.findVarHandle(Counters.class, "busy", boolean.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private long p01, p02, p03, p04, p05, p06, p07, p08;

		private long processed;

		private long failed;

		private boolean busy;

		private long p11, p12, p13, p14, p15, p16, p17, p18;

		void busy(boolean busy) {
			BUSY.setRelease(this, busy);
		}

		void ran(boolean success) {
			PROCESSED.setRelease(this, this.processed + 1);
			if (!success) {
				FAILED.setRelease(this, this.failed + 1);
			}
		}

		boolean busy() {
			return (boolean) BUSY.getOpaque(this);
		}

		long processed() {
			return (long) PROCESSED.getOpaque(this);
		}

		long failed() {
			return (long) FAILED.getOpaque(this);
		}

	}

	record Snapshot(int id, boolean busy, int queued, long processed, long failed, int restarts)
			implements WorkerStats {
	}

}
