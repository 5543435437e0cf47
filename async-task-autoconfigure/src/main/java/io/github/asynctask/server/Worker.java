package io.github.asynctask.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.github.asynctask.WorkerStats;
import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.Task;
import org.jspecify.annotations.Nullable;

/**
 * One task worker: its own queue and the thread that drains it (made and replaced by the
 * {@link WorkerSupervisor}). Only the worker's current thread polls its queue and writes its counters.
 * <p>
 * Ownership: the running task sits in {@link #running}. The thread sets it before an attempt and takes it back with
 * a CAS after; whoever decides a running task's outcome instead of the thread (a timeout, a stop) may take the
 * worker from a thread stuck in that task by swapping in {@code ABANDONED_MARK}. A thread that finds its task taken has
 * been left behind: it returns without touching the queue or the counters again, so an old thread can never run
 * next to its successor.
 * <p>
 * Idle protocol: a worker with nothing to do publishes {@link #idleAt}, spins briefly, yields for a while, then
 * announces {@code parked} and re-checks its queues before parking; a producer enqueues, then reads
 * {@code parked} and unparks. Both sides use sequentially consistent accesses, so a wake-up is never lost.
 */
final class Worker implements Completion.Tally {

	/** Busy checks before yielding: catches a task that follows within a microsecond or so. */
	private static final int SPINS = 16;

	/**
	 * Yields before parking (tens of microseconds): a worker that yields gives its CPU to a thread waiting for it
	 * (often the one that will dispatch the next task, and on few cores it shares the CPU), yet catches the next
	 * task without the wake-up a parked thread costs the dispatcher.
	 */
	private static final int YIELDS = 64;

	/** Stands in {@link #running} for a task whose thread was left behind. */
	private static final Object ABANDONED_MARK = new Object();


	final int id;

	final WorkerQueue<Task> queue;

	private final LocalTransport transport;

	private final @Nullable SharedTaskQueue<Task> shared;

	/** Wakes this worker when a held task it set aside is released. */
	final Runnable wakeUp = this::signalIfParked;

	/** The thread that owns the worker now. */
	volatile @Nullable Thread thread;

	/** What producers read: written by the worker only when it becomes idle or parks. */
	private final Signals signals = new Signals();

	/** Held tasks of batches not yet accepted whole, set aside in order (owner thread only). */
	private final ArrayDeque<Task> deferred = new ArrayDeque<>();

	private volatile int deferredCount;

	/** Written by the owner thread for every task and read only by stats: kept off the lines producers read. */
	private final Counters counters = new Counters();

	/** Outcomes of tasks on this worker decided by others (a timeout, a stop). */
	private final AtomicLong decidedElsewhere = new AtomicLong();

	private final AtomicLong failedElsewhere = new AtomicLong();

	volatile int restarts;

	/**
	 * Tasks whose backoff is over, handed back for their next attempt: added by the retry timer, taken by the owner
	 * thread before anything queued, and never refused for want of room.
	 */
	private final ConcurrentLinkedQueue<Task> retried = new ConcurrentLinkedQueue<>();

	private final AtomicInteger retriedCount = new AtomicInteger();

	/** Tasks given a place under their {@code max-concurrency}: they start without asking again. */
	private final ConcurrentLinkedQueue<Task> granted = new ConcurrentLinkedQueue<>();

	/**
	 * Keys whose task waits for its next attempt: later tasks of the key are set aside behind it, so that one key's
	 * tasks still run in dispatch order. Added by whichever thread requeued the task; read, emptied and removed only
	 * by the owner thread.
	 */
	private final ConcurrentHashMap<Object, KeyHold> holds = new ConcurrentHashMap<>();

	/** Tasks set aside behind a hold that ended, to run before anything queued (owner thread only). */
	private final ArrayDeque<Task> released = new ArrayDeque<>();

	/** Tasks set aside behind holds, or released from them and not yet run: they count as queued. */
	private volatile int heldCount;

	/** The number of tasks after which the current thread is replaced; 0: never. */
	private int runLimit;

	/** With {@code virtual-threads}: makes a virtual thread per task; otherwise {@code null}. */
	private final @Nullable ThreadFactory virtualThreads;

	/** With virtual threads: the most tasks running at once. */
	private final int concurrency;

	/** With virtual threads: the tasks running now, each on its own thread. */
	private final ConcurrentHashMap<Task, VirtualRun> virtualRuns = new ConcurrentHashMap<>();

	private final AtomicInteger virtualRunning = new AtomicInteger();

	/** With virtual threads, outcomes are decided on many threads at once: counted atomically. */
	private final Completion.Tally virtualTally = (task) -> countDecidedElsewhere(task.isSuccess());

	Worker(int id, int queueCapacity, @Nullable SharedTaskQueue<Task> shared, LocalTransport transport) {
		this(id, queueCapacity, shared, transport, null, 1);
	}

	Worker(int id, int queueCapacity, @Nullable SharedTaskQueue<Task> shared, LocalTransport transport,
			@Nullable ThreadFactory virtualThreads, int concurrency) {
		this.virtualThreads = virtualThreads;
		this.concurrency = concurrency;
		this.id = id;
		this.queue = new WorkerQueue<>(queueCapacity);
		this.shared = shared;
		this.transport = transport;
	}

	/** Whether the worker runs nothing and has nothing queued, as far as producers can tell cheaply. */
	boolean isIdle() {
		return this.signals.idleAt() == this.queue.enqueued();
	}

	/** Wakes the worker if it is parked; {@code true} if it was. */
	boolean signalIfParked() {
		if (this.signals.unpark()) {
			LockSupport.unpark(this.thread);
			return true;
		}
		return false;
	}

	/** The task running now, or {@code null}. */
	@Nullable Task running() {
		return (this.counters.running instanceof Task task) ? task : null;
	}

	/**
	 * Takes the worker from the thread running {@code task}, whose outcome the caller decided: the thread, if it
	 * ever returns from the task, finds it taken and ends.
	 * @return {@code true} if the thread was still in the task and is now left behind
	 */
	boolean abandon(Task task) {
		return this.counters.swapRunning(task, ABANDONED_MARK);
	}

	/** Counts a task this worker's thread decided, before its outcome is delivered (owner thread only). */
	@Override
	public void decided(Task task) {
		this.counters.ran(task.isSuccess());
	}

	/** Counts an outcome of a task on this worker that someone else decided. */
	void countDecidedElsewhere(boolean success) {
		this.decidedElsewhere.incrementAndGet();
		if (!success) {
			this.failedElsewhere.incrementAndGet();
		}
	}

	/** Prepares a new thread's shift: clears what a left-behind thread held. */
	void newShift(int runLimit) {
		this.counters.running = null;
		this.counters.runs = 0;
		this.runLimit = runLimit;
	}

	/** The loop of one thread's shift; returns when the thread must end. */
	void run(Thread self) {
		if (this.virtualThreads != null) {
			runVirtual(self);
			return;
		}
		LocalTransport transport = this.transport;
		WorkerQueue<Task> own = this.queue;
		long lastEnd = 0;
		for (;;) {
			if (this.thread != self) {
				return;
			}
			if (transport.isTerminating()) {
				cancelDeferred(LocalTransport.STILL_QUEUED);
				return;
			}
			Task task = take(lastEnd);
			if (task == null) {
				lastEnd = 0;
				if (transport.isStopping() && isEmpty() && this.deferredCount == 0 && this.heldCount == 0) {
					if (!transport.retriesWaiting() && !transport.limitsParked()) {
						return;
					}
					// a retry due during the drain still runs here: wait for it without spinning
					LockSupport.parkNanos(this, 1_000_000);
					continue;
				}
				idle(own);
				continue;
			}
			Counters counters = this.counters;
			counters.running(task);
			boolean decided = transport.runner().run(task, this);
			transport.release(task, this);
			if (!counters.swapRunning(task, null)) {
				return; // left behind while stuck in the task: a successor owns the worker now
			}
			lastEnd = decided ? task.endNanos() : 0;
			if (this.runLimit > 0 && ++counters.runs >= this.runLimit) {
				transport.supervisor().replace(this, self);
				return;
			}
		}
	}

	/**
	 * The loop of a shift with virtual threads: this thread only takes tasks and starts each on a virtual thread of
	 * its own, at most {@code worker-concurrency} at once; a keyed task holds its key while it runs, so one key's
	 * tasks still run one at a time, in order. {@code task-max-request} does not apply: no thread runs twice.
	 */
	private void runVirtual(Thread self) {
		LocalTransport transport = this.transport;
		WorkerQueue<Task> own = this.queue;
		ThreadFactory factory = this.virtualThreads;
		for (;;) {
			if (this.thread != self) {
				return;
			}
			if (transport.isTerminating()) {
				cancelDeferred(LocalTransport.STILL_QUEUED);
				return;
			}
			if (this.virtualRunning.get() >= this.concurrency) {
				awaitPlace();
				continue;
			}
			Task task = take(0);
			if (task == null) {
				if (transport.isStopping() && isEmpty() && this.deferredCount == 0 && this.heldCount == 0) {
					if (this.virtualRunning.get() == 0 && !transport.retriesWaiting() && !transport.limitsParked()) {
						return;
					}
					LockSupport.parkNanos(this, 1_000_000);
					continue;
				}
				idle(own);
				continue;
			}
			Object key = task.routing().key();
			if (key != null) {
				hold(key, task); // later tasks of the key wait until this one ends
			}
			VirtualRun run = new VirtualRun(task);
			this.virtualRuns.put(task, run);
			this.virtualRunning.incrementAndGet();
			try {
				Thread thread = factory.newThread(run);
				run.thread = thread;
				thread.start();
			}
			catch (Throwable ex) {
				run.end();
				transport.runner().completion().finish(task, io.github.asynctask.TaskStatus.FAILED, ex,
						System.nanoTime(), this.virtualTally);
			}
		}
	}

	/** Waits (parked) until a virtual thread of this worker ends. */
	private void awaitPlace() {
		Signals signals = this.signals;
		signals.parked = true;
		if (this.virtualRunning.get() < this.concurrency || this.transport.isStopping()
				|| this.thread != Thread.currentThread()) {
			signals.parked = false;
			return;
		}
		Thread.interrupted();
		LockSupport.park(this);
		signals.parked = false;
	}

	/**
	 * Leaves a virtual thread stuck in a timed-out task behind: its place frees for the next task.
	 * @return {@code true} if it was still running
	 */
	boolean abandonVirtual(Task task) {
		VirtualRun run = this.virtualRuns.get(task);
		if (run == null || !run.end()) {
			return false;
		}
		this.restarts++;
		return true;
	}

	/** Interrupts every task running on a virtual thread (at a stop). */
	void interruptVirtual() {
		for (VirtualRun run : this.virtualRuns.values()) {
			Thread thread = run.thread;
			if (thread != null) {
				thread.interrupt();
			}
		}
	}

	/** The tasks still running on virtual threads. */
	java.util.Collection<Task> runningVirtual() {
		return java.util.List.copyOf(this.virtualRuns.keySet());
	}

	/** One task on its own virtual thread. */
	private final class VirtualRun implements Runnable {

		final Task task;

		volatile @Nullable Thread thread;

		private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

		VirtualRun(Task task) {
			this.task = task;
		}

		@Override
		public void run() {
			try {
				Worker.this.transport.runner().run(this.task, Worker.this.virtualTally);
			}
			finally {
				Worker.this.transport.release(this.task, Worker.this);
				end();
			}
		}

		/** Frees the task's place, once (when it returns, or when it is left behind). */
		boolean end() {
			if (!this.ended.compareAndSet(false, true)) {
				return false;
			}
			Worker.this.virtualRuns.remove(this.task, this);
			Worker.this.virtualRunning.decrementAndGet();
			signalIfParked();
			return true;
		}

		@Override
		public String toString() {
			return Worker.this.id + "-" + this.task.taskId();
		}

	}

	/**
	 * The next task this thread may run, started; {@code null} if there is none now. Tombstones are passed (and
	 * a cancelled task's deferred delivery made), held tasks set aside.
	 */
	private @Nullable Task take(long lastEnd) {
		if (this.retriedCount.get() > 0) {
			Task task = takeRetried(lastEnd);
			if (task != null) {
				return task;
			}
		}
		if (!this.holds.isEmpty()) {
			releaseEndedHolds();
		}
		if (this.heldCount > 0) {
			Task task = takeReleased(lastEnd);
			if (task != null) {
				return task;
			}
		}
		if (this.deferredCount > 0) {
			Task task = takeDeferred(lastEnd);
			if (task != null) {
				return task;
			}
		}
		LocalTransport transport = this.transport;
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
			transport.roomMade();
			if (!this.holds.isEmpty() && setAsideBehindHold(task)) {
				continue;
			}
			boolean limited = isLimited(task) && task.isQueued();
			if (limited && !transport.admit(task, this)) {
				continue; // parked until a place frees under its max-concurrency
			}
			Thread.interrupted(); // a task starts with its thread's interrupt status clear
			long now = (lastEnd != 0) ? lastEnd : System.nanoTime();
			for (;;) {
				if (task.tryStart(this.id, now)) {
					if (this.shared != null && !this.shared.isEmptyOrFilling()) {
						transport.wakeAnotherThan(this); // the shared queue still holds tasks: pass the wake-up on
					}
					return task;
				}
				if (task.isHeld()) {
					this.deferred.addLast(task);
					this.deferredCount = this.deferred.size();
					task.onRelease(this.wakeUp); // then re-checked by hasWork() before this worker parks
					break;
				}
				if (!task.isQueued()) {
					passed(task, fromShared); // cancelled or withdrawn
					break;
				}
				// released between the failed start and the check: start it now
			}
			if (limited) {
				transport.release(task, this); // it did not start: its place under max-concurrency frees
			}
		}
	}

	private @Nullable Task takeRetried(long lastEnd) {
		Task task;
		while ((task = this.granted.poll()) != null) {
			this.retriedCount.decrementAndGet();
			Thread.interrupted();
			if (task.tryStart(this.id, (lastEnd != 0) ? lastEnd : System.nanoTime())) {
				return task;
			}
			this.transport.release(task, this);
			this.transport.runner().completion().deliverDeferred(task);
		}
		while ((task = this.retried.poll()) != null) {
			this.retriedCount.decrementAndGet();
			int start = start(task, lastEnd);
			if (start == STARTED) {
				return task;
			}
			if (start == NOT_STARTED) {
				this.transport.runner().completion().deliverDeferred(task);
			}
		}
		return null;
	}

	private static final int STARTED = 0;

	private static final int WAITS_FOR_PLACE = 1;

	private static final int NOT_STARTED = 2;

	/**
	 * Starts a task taken from an inbox or from the tasks set aside: {@code STARTED}; {@code WAITS_FOR_PLACE} if it
	 * went to wait for a place under its {@code max-concurrency}; {@code NOT_STARTED} if it was ended meanwhile
	 * (the caller passes it on), its place given back.
	 */
	private int start(Task task, long lastEnd) {
		boolean limited = isLimited(task) && task.isQueued();
		if (limited && !this.transport.admit(task, this)) {
			return WAITS_FOR_PLACE;
		}
		Thread.interrupted(); // a task starts with its thread's interrupt status clear
		if (task.tryStart(this.id, (lastEnd != 0) ? lastEnd : System.nanoTime())) {
			return STARTED;
		}
		if (limited) {
			this.transport.release(task, this);
		}
		return NOT_STARTED;
	}

	private static boolean isLimited(Task task) {
		return task.handler().executionSettings().maxConcurrency() > 0;
	}

	/** Hands over a task given a place under its {@code max-concurrency}; any thread. */
	void grant(Task task) {
		this.granted.add(task);
		this.retriedCount.incrementAndGet();
		signalIfParked();
	}

	private @Nullable Task takeReleased(long lastEnd) {
		Task task;
		while ((task = this.released.pollFirst()) != null) {
			this.heldCount--;
			if (!this.holds.isEmpty() && setAsideBehindHold(task)) {
				continue;
			}
			int start = start(task, lastEnd);
			if (start == STARTED) {
				return task;
			}
			if (start == NOT_STARTED) {
				this.transport.runner().completion().deliverDeferred(task);
			}
		}
		return null;
	}

	/** Hands a task back for its next attempt; any thread. */
	void retry(Task task) {
		this.retried.add(task);
		this.retriedCount.incrementAndGet();
		signalIfParked();
	}

	/** Cancels the retries handed back but not started; any thread. */
	int cancelRetried(String reason) {
		int cancelled = 0;
		Task task;
		while ((task = this.granted.poll()) != null) {
			this.retriedCount.decrementAndGet();
			this.transport.release(task, this);
			if (this.transport.runner().completion().cancel(task, reason, true)) {
				cancelled++;
			}
		}
		while ((task = this.retried.poll()) != null) {
			this.retriedCount.decrementAndGet();
			if (this.transport.runner().completion().cancel(task, reason, true)) {
				cancelled++;
			}
		}
		return cancelled;
	}

	/** Makes later tasks of a task's key wait behind it while it waits for its next attempt; any thread. */
	void hold(Object key, Task holder) {
		this.holds.putIfAbsent(key, new KeyHold(holder));
	}

	/** Sets a task aside if its key is held by another task (owner thread only). */
	private boolean setAsideBehindHold(Task task) {
		Object key = task.routing().key();
		if (key == null) {
			return false;
		}
		KeyHold hold = this.holds.get(key);
		if (hold == null || hold.holder == task) {
			return false;
		}
		hold.waiting.addLast(task);
		this.heldCount++;
		return true;
	}

	/** Releases the holds whose task ended: what waited behind them runs next, in order (owner thread only). */
	private void releaseEndedHolds() {
		for (Iterator<KeyHold> it = this.holds.values().iterator(); it.hasNext();) {
			KeyHold hold = it.next();
			if (hold.holder.isDecided()) {
				it.remove();
				this.released.addAll(hold.waiting);
			}
		}
	}

	private @Nullable Task takeDeferred(long lastEnd) {
		for (Iterator<Task> it = this.deferred.iterator(); it.hasNext();) {
			Task task = it.next();
			if (task.isHeld()) {
				continue;
			}
			it.remove();
			this.deferredCount = this.deferred.size();
			int start = start(task, lastEnd);
			if (start == STARTED) {
				return task;
			}
			if (start == NOT_STARTED) {
				passed(task, task.place() == this.shared);
			}
		}
		return null;
	}

	/** A task that was cancelled or withdrawn while queued: it leaves the queue, its outcome (if any) delivered. */
	private void passed(Task task, boolean fromShared) {
		if (fromShared && this.shared != null) {
			this.shared.passed();
		}
		else if (task.place() == this.queue) {
			this.queue.passed();
		}
		this.transport.runner().completion().deliverDeferred(task);
	}

	/**
	 * Cancels the tasks this worker set aside (at a stop): held tasks of batches, tasks behind a key whose task waits
	 * to retry, and retries handed back but not started; if its thread is gone or ending.
	 */
	int cancelDeferred(String reason) {
		int cancelled = 0;
		Task task;
		while ((task = this.deferred.pollFirst()) != null) {
			if (this.transport.runner().completion().cancel(task, reason, true)) {
				cancelled++;
			}
		}
		this.deferredCount = 0;
		for (KeyHold hold : this.holds.values()) {
			this.released.addAll(hold.waiting);
		}
		this.holds.clear();
		while ((task = this.released.pollFirst()) != null) {
			if (this.transport.runner().completion().cancel(task, reason, true)) {
				cancelled++;
			}
		}
		this.heldCount = 0;
		return cancelled + cancelRetried(reason);
	}

	private boolean isEmpty() {
		return this.queue.isEmptyOrFilling() && (this.shared == null || this.shared.isEmptyOrFilling());
	}

	private boolean hasWork() {
		if (!isEmpty() || this.retriedCount.get() > 0) {
			return true;
		}
		if (this.heldCount > 0 && (!this.released.isEmpty() || anyHoldEnded())) {
			return true;
		}
		if (this.deferredCount > 0) {
			for (Task task : this.deferred) {
				if (!task.isHeld()) {
					return true;
				}
			}
		}
		return false;
	}

	private void idle(WorkerQueue<Task> own) {
		Signals signals = this.signals;
		long position = own.enqueued();
		if (signals.idleAt() != position && own.isEmptyOrFilling()) {
			signals.idleAt(position);
		}
		for (int i = 0; i < SPINS; i++) {
			if (hasWork()) {
				return;
			}
			Thread.onSpinWait();
		}
		for (int i = 0; i < YIELDS; i++) {
			if (hasWork()) {
				return;
			}
			Thread.yield();
		}
		signals.parked = true;
		if (hasWork() || this.transport.isStopping() || this.thread != Thread.currentThread()) {
			signals.parked = false;
			return;
		}
		Thread.interrupted(); // a stray interrupt would make park return at once, for ever
		LockSupport.park(this);
		signals.parked = false;
	}

	private boolean anyHoldEnded() {
		for (KeyHold hold : this.holds.values()) {
			if (hold.holder.isDecided()) {
				return true;
			}
		}
		return false;
	}

	int queued() {
		return this.queue.size() + this.deferredCount + this.retriedCount.get() + this.heldCount;
	}

	boolean busy() {
		return (this.virtualThreads != null) ? this.virtualRunning.get() > 0 : this.counters.running instanceof Task;
	}

	/** Tasks this worker runs now. */
	int runningCount() {
		return (this.virtualThreads != null) ? this.virtualRunning.get() : busy() ? 1 : 0;
	}

	WorkerStats stats() {
		boolean busy = busy();
		long elsewhere = this.decidedElsewhere.get();
		return new Snapshot(this.id, busy, queued(), this.counters.processed() + elsewhere,
				this.counters.failed() + this.failedElsewhere.get(), this.restarts);
	}

	@Override
	public String toString() {
		return String.valueOf(this.id);
	}

	/**
	 * Padding on both sides of a hot field group, through the class hierarchy (HotSpot lays out a superclass's
	 * fields before a subclass's, but reorders fields within one class), so that the group has its cache lines to
	 * itself.
	 */
	@SuppressWarnings("unused")
	abstract static class PadLeft {

		private long p01, p02, p03, p04, p05, p06, p07, p08;

	}

	@SuppressWarnings("unused")
	abstract static class SignalsFields extends PadLeft {

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

	@SuppressWarnings("unused")
	abstract static class CountersFields extends PadLeft {

		long processed;

		long failed;

		/** The task running now, {@code ABANDONED_MARK} if its thread was left behind, or {@code null}. */
		volatile @Nullable Object running;

		/** Tasks run by the current thread, for {@code task-max-request}. */
		int runs;

	}

	/**
	 * What the owner thread writes for every task (release stores, no atomics but the running-task handshake),
	 * read only by stats and the supervisor: kept off the lines producers read.
	 */
	@SuppressWarnings("unused")
	static final class Counters extends CountersFields {

		private static final VarHandle PROCESSED;

		private static final VarHandle FAILED;

		private static final VarHandle RUNNING;

		static {
			try {
				MethodHandles.Lookup lookup = MethodHandles.lookup();
				PROCESSED = lookup.findVarHandle(CountersFields.class, "processed", long.class);
				FAILED = lookup.findVarHandle(CountersFields.class, "failed", long.class);
				RUNNING = lookup.findVarHandle(CountersFields.class, "running", Object.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private long p11, p12, p13, p14, p15, p16, p17, p18;

		void ran(boolean success) {
			PROCESSED.setRelease(this, this.processed + 1);
			if (!success) {
				FAILED.setRelease(this, this.failed + 1);
			}
		}

		void running(Object task) {
			RUNNING.setRelease(this, task);
		}

		boolean swapRunning(Object expected, @Nullable Object replacement) {
			return RUNNING.compareAndSet(this, expected, replacement);
		}

		long processed() {
			return (long) PROCESSED.getOpaque(this);
		}

		long failed() {
			return (long) FAILED.getOpaque(this);
		}

	}

	/** A key whose task waits for its next attempt, and the later tasks of the key set aside behind it. */
	private static final class KeyHold {

		final Task holder;

		final ArrayDeque<Task> waiting = new ArrayDeque<>();

		KeyHold(Task holder) {
			this.holder = holder;
		}

	}

	record Snapshot(int id, boolean busy, int queued, long processed, long failed, int restarts)
			implements WorkerStats {
	}

}
