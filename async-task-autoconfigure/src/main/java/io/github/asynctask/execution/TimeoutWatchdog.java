package io.github.asynctask.execution;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import io.github.asynctask.TaskStatus;
import io.github.asynctask.handler.ExecutionSettings;
import io.github.asynctask.handler.TaskHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The timeout link: the innermost link of the chain of every handler with a timeout. Its attempts run under a
 * {@link Watch}, and one daemon thread ({@code async-task-timeouts}) looks at the watches every few milliseconds.
 * Past the timeout the watchdog decides: the last attempt ends {@code TIMED_OUT} at once (a late success never
 * overwrites it), an attempt with retries left is left to the retry link; then it interrupts the attempt's thread,
 * before the attempt can end, so the interrupt can only land in that attempt. It never runs user code: the outcome
 * it decided is delivered by the attempt's thread when it comes back, through the normal completion path. A thread
 * still in the attempt {@code timeout-grace} later is left behind ({@link Stuck#abandon}: the worker goes on with a
 * fresh thread), and the task's next attempt, if any, is scheduled from here, or its delivery handed to a thread of
 * the pool ({@link Stuck#deliver}); whatever the old thread returns later is dropped and counted.
 * <p>
 * Cost when no timeout fires: a platform thread keeps one watch for all its attempts, so an attempt writes a task,
 * a deadline and a stamp (release stores) and ends with one uncontended CAS of the stamp; no allocation, no timer
 * entry.
 * <p>
 * Threading: {@link #aroundInvoke} on the thread that runs the attempt; everything else on the watchdog thread. The
 * attempt and the watchdog agree through the watch's stamp ({@code sequence << 3 | state}), which only moves
 * forward: each side acts only by a CAS from the exact stamp it read, so the watchdog can never time out the next
 * attempt of the same thread by mistake, and an attempt cannot end while the watchdog is interrupting it.
 */
public final class TimeoutWatchdog implements TaskInterceptor {

	private static final Log logger = LogFactory.getLog(TimeoutWatchdog.class);

	static final int IDLE = 0;

	static final int RUNNING = 1;

	static final int TIMED_OUT = 2;

	static final int ABANDONED = 3;

	/** The watchdog is deciding and interrupting: the attempt waits for TIMED_OUT before it may end. */
	static final int INTERRUPTING = 4;

	private static final long STATE_BITS = 7;

	private static final long MIN_TICK = Duration.ofMillis(1).toNanos();

	private static final long MAX_TICK = Duration.ofMillis(50).toNanos();

	private final long graceNanos;

	private final Completion completion;

	private final RetryScheduler retries;

	private final Stuck stuck;

	/** Whether every attempt runs on a thread of its own (virtual threads): no watch to reuse. */
	private final boolean watchPerAttempt;

	private final Set<Watch> watches = ConcurrentHashMap.newKeySet();

	private final ThreadLocal<Watch> threadWatch = new ThreadLocal<>();

	private volatile long tickNanos = MAX_TICK;

	private volatile @Nullable Thread ticker;

	public TimeoutWatchdog(Duration grace, Completion completion, RetryScheduler retries, Stuck stuck,
			boolean watchPerAttempt) {
		this.graceNanos = grace.toNanos();
		this.completion = completion;
		this.retries = retries;
		this.stuck = stuck;
		this.watchPerAttempt = watchPerAttempt;
	}

	@Override
	public boolean appliesTo(TaskHandler handler) {
		Duration timeout = handler.executionSettings().timeout();
		if (timeout == null) {
			return false;
		}
		// look often enough for the shortest timeout and the grace: an eighth of the smaller, within 1..50 ms
		long shortest = (this.graceNanos > 0) ? Math.min(timeout.toNanos(), this.graceNanos) : timeout.toNanos();
		this.tickNanos = Math.max(MIN_TICK, Math.min(this.tickNanos, shortest / 8));
		return true;
	}

	@Override
	public @Nullable Object aroundInvoke(Task task, int slot, TaskInvocation next) throws Throwable {
		long timeout = task.handler().executionSettings().timeoutNanos();
		if (timeout == 0) {
			return next.proceed();
		}
		Watch watch = watch();
		long start = task.startNanos();
		watch.begin(task, ((start != 0) ? start : System.nanoTime()) + timeout);
		Object result = null;
		Throwable failure = null;
		try {
			result = next.proceed();
		}
		catch (Throwable ex) {
			failure = ex;
		}
		int ended = watch.end();
		if (this.watchPerAttempt) {
			this.watches.remove(watch);
		}
		if (ended == RUNNING) {
			if (failure != null) {
				throw failure;
			}
			return result;
		}
		Thread.interrupted(); // the interrupt was ours
		if (ended == TIMED_OUT) {
			// what the handler returned or threw after its interrupt is dropped: the attempt timed out
			AttemptTimeoutException error = watch.error;
			throw (error != null) ? error : timeoutError(task, Duration.ofNanos(timeout));
		}
		throw AbandonedAttempt.INSTANCE;
	}

	private Watch watch() {
		Watch watch = this.watchPerAttempt ? null : this.threadWatch.get();
		if (watch == null) {
			watch = new Watch(Thread.currentThread());
			if (!this.watchPerAttempt) {
				this.threadWatch.set(watch);
			}
			this.watches.add(watch);
			ensureTicking();
		}
		return watch;
	}

	private void ensureTicking() {
		if (this.ticker == null) {
			synchronized (this) {
				if (this.ticker == null) {
					Thread thread = new Thread(this::tick, "async-task-timeouts");
					thread.setDaemon(true);
					this.ticker = thread;
					thread.start();
				}
			}
		}
	}

	/** Stops the watchdog thread; it starts again with the next watched attempt. */
	public void stop() {
		Thread thread;
		synchronized (this) {
			thread = this.ticker;
			this.ticker = null;
		}
		if (thread != null) {
			LockSupport.unpark(thread);
		}
	}

	private void tick() {
		Thread self = Thread.currentThread();
		while (this.ticker == self) {
			long now = System.nanoTime();
			for (Watch watch : this.watches) {
				try {
					check(watch, now);
				}
				catch (Throwable ex) {
					logger.error("Timeout watchdog failed on " + watch, ex);
				}
			}
			LockSupport.parkNanos(this, this.tickNanos);
		}
	}

	private void check(Watch watch, long now) {
		long stamp = watch.stamp();
		int state = (int) (stamp & STATE_BITS);
		if (state == IDLE) {
			if (!this.watchPerAttempt && !watch.thread.isAlive()) {
				this.watches.remove(watch);
			}
			return;
		}
		Task task = watch.task();
		long deadline = watch.deadline();
		if (task == null || watch.stamp() != stamp) {
			return; // the attempt ended meanwhile
		}
		if (state == RUNNING) {
			if (now - deadline < 0) {
				return;
			}
			Duration timeout = task.handler().executionSettings().timeout();
			AttemptTimeoutException error = timeoutError(task, (timeout != null) ? timeout : Duration.ZERO);
			watch.error = error;
			watch.graceDeadline = now + this.graceNanos;
			long interrupting = (stamp & ~STATE_BITS) | INTERRUPTING;
			if (!watch.compareAndSet(stamp, interrupting)) {
				return; // it ended in time
			}
			// the attempt cannot end until the stamp says TIMED_OUT: decide, interrupt, then let it go
			ExecutionSettings settings = task.handler().executionSettings();
			if (task.attempts() > settings.retries()
					&& this.completion.finishLater(task, TaskStatus.TIMED_OUT, error, now)) {
				this.stuck.decidedElsewhere(task); // its thread delivers the outcome when it comes back
			}
			watch.thread.interrupt();
			watch.timedOut(interrupting);
		}
		else if (state == TIMED_OUT && now - watch.graceDeadline >= 0) {
			if (!watch.compareAndSet(stamp, (stamp & ~STATE_BITS) | ABANDONED)) {
				return;
			}
			this.watches.remove(watch);
			AttemptTimeoutException error = watch.error;
			this.stuck.abandon(task, watch.thread, this.graceNanos);
			if (!task.isDecided() && error != null && !this.retries.retry(task, error, now)
					&& this.completion.finishLater(task, TaskStatus.TIMED_OUT, error, now)) {
				this.stuck.decidedElsewhere(task);
			}
			if (task.isDecided()) {
				this.stuck.deliver(task); // its thread will not come back to deliver it
			}
		}
	}

	static AttemptTimeoutException timeoutError(Task task, Duration timeout) {
		return new AttemptTimeoutException("Task " + task.taskId() + " '" + task.taskName() + "' timed out after "
				+ format(timeout) + " (attempt " + task.attempt() + "); its thread was interrupted");
	}

	private static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0 && millis > 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	/** What the transport does with a thread stuck in an attempt past the timeout and the grace. */
	public interface Stuck {

		/**
		 * Leaves the thread behind: the task's worker goes on without it (a fresh thread), counted as a restart and
		 * reported; called on the watchdog thread.
		 * @param graceNanos how long the thread ignored its interrupt
		 */
		void abandon(Task task, Thread thread, long graceNanos);

		/** The watchdog decided the outcome of a task that ran on a worker (for its counters). */
		default void decidedElsewhere(Task task) {
		}

		/**
		 * Delivers, off the watchdog thread, the outcome of a task whose thread was left behind (through
		 * {@link Completion#deliverDeferred}, which delivers it once, if no one did yet).
		 */
		void deliver(Task task);

	}

	/** One thread's current attempt under watch (reused across a platform thread's attempts). */
	static final class Watch {

		private static final VarHandle STAMP;

		private static final VarHandle TASK;

		private static final VarHandle DEADLINE;

		static {
			try {
				MethodHandles.Lookup lookup = MethodHandles.lookup();
				STAMP = lookup.findVarHandle(Watch.class, "stamp", long.class);
				TASK = lookup.findVarHandle(Watch.class, "task", Task.class);
				DEADLINE = lookup.findVarHandle(Watch.class, "deadline", long.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		final Thread thread;

		/** {@code sequence << 3 | state}: only ever moves forward. */
		private long stamp;

		/** The RUNNING stamp of the current attempt, as its thread published it (that thread only). */
		private long published;

		private @Nullable Task task;

		private long deadline;

		/**
		 * Written by the watchdog before its CAS to TIMED_OUT, read by the attempt only after it sees that state for
		 * its own sequence: never stale.
		 */
		@Nullable AttemptTimeoutException error;

		/** Watchdog thread only. */
		long graceDeadline;

		Watch(Thread thread) {
			this.thread = thread;
		}

		/** Starts watching an attempt (the attempt's thread): the task and deadline first, then the new stamp. */
		void begin(Task task, long deadline) {
			TASK.setRelease(this, task);
			DEADLINE.setRelease(this, deadline);
			long next = (((this.published >>> 3) + 1) << 3) | RUNNING;
			this.published = next;
			STAMP.setRelease(this, next);
		}

		/**
		 * Ends the watch of the attempt (the attempt's thread). While the watchdog is interrupting the attempt, waits
		 * until it is done (a few instructions), so that its interrupt never outlives the attempt.
		 * @return the state it ended from: {@code RUNNING} (in time), {@code TIMED_OUT}, or {@code ABANDONED}
		 */
		int end() {
			long running = this.published;
			long idle = running & ~STATE_BITS;
			if (STAMP.compareAndSet(this, running, idle)) {
				return RUNNING;
			}
			for (;;) {
				long current = (long) STAMP.getAcquire(this);
				int state = (int) (current & STATE_BITS);
				if (state == INTERRUPTING) {
					Thread.onSpinWait();
					continue;
				}
				if (state == TIMED_OUT && STAMP.compareAndSet(this, current, idle)) {
					TASK.setRelease(this, null);
					return TIMED_OUT;
				}
				if (state != TIMED_OUT) {
					return ABANDONED;
				}
			}
		}

		/** The watchdog has decided and interrupted: the attempt may end (watchdog thread). */
		void timedOut(long interrupting) {
			STAMP.setRelease(this, (interrupting & ~STATE_BITS) | TIMED_OUT);
		}

		long stamp() {
			return (long) STAMP.getAcquire(this);
		}

		@Nullable Task task() {
			return (Task) TASK.getAcquire(this);
		}

		long deadline() {
			return (long) DEADLINE.getAcquire(this);
		}

		boolean compareAndSet(long expected, long next) {
			return STAMP.compareAndSet(this, expected, next);
		}

		@Override
		public String toString() {
			return "watch of thread '" + this.thread.getName() + "'";
		}

	}

}
