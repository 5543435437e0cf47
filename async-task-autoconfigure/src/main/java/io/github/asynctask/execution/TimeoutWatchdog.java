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
 * The timeout link: an attempt of a handler with a timeout runs under a {@link Watch}, and one daemon thread
 * ({@code async-task-timeouts}) looks at the watches every few milliseconds. Past the timeout the attempt ends
 * {@code TIMED_OUT}: decided at once if it was the last attempt (a late success never overwrites it), left to the
 * retry link otherwise; and its thread is interrupted. A thread still in the attempt {@code timeout-grace} later is
 * left behind ({@link Stuck#abandon}: the worker goes on with a fresh thread), and the task's next attempt, if any,
 * is scheduled from here; whatever the old thread returns later is dropped and counted.
 * <p>
 * Cost when no timeout fires: a platform thread keeps one watch for all its attempts, so an attempt writes a task,
 * a deadline and a stamp (release stores) and ends with a read and a release store of the stamp; no atomic, no
 * allocation, no timer entry.
 * <p>
 * Threading: {@link #aroundInvoke} on the thread that runs the attempt; everything else on the watchdog thread. The
 * attempt and the watchdog agree through the watch's stamp ({@code sequence << 2 | state}), which only moves
 * forward: the watchdog acts on an attempt only by a CAS from the exact stamp it read, so it can never time out the
 * next attempt of the same thread by mistake.
 */
public final class TimeoutWatchdog implements TaskInterceptor {

	private static final Log logger = LogFactory.getLog(TimeoutWatchdog.class);

	static final int IDLE = 0;

	static final int RUNNING = 1;

	static final int TIMED_OUT = 2;

	static final int ABANDONED = 3;

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

	/** Attempts under watch now, for tests. */
	int watched() {
		return this.watches.size();
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
		int state = (int) (stamp & 3);
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
			if (!watch.compareAndSet(stamp, (stamp & ~3L) | TIMED_OUT)) {
				return;
			}
			ExecutionSettings settings = task.handler().executionSettings();
			if (task.attempts() > settings.retries()) {
				// the last attempt: the outcome is TIMED_OUT now, whatever the handler does later
				if (this.completion.finish(task, TaskStatus.TIMED_OUT, error, now, null)) {
					this.stuck.decidedElsewhere(task);
				}
			}
			watch.thread.interrupt();
		}
		else if (state == TIMED_OUT && now - watch.graceDeadline >= 0) {
			if (!watch.compareAndSet(stamp, (stamp & ~3L) | ABANDONED)) {
				return;
			}
			this.watches.remove(watch);
			AttemptTimeoutException error = watch.error;
			this.stuck.abandon(task, watch.thread, this.graceNanos);
			if (!task.isDecided() && error != null && !this.retries.retry(task, error, now)) {
				if (this.completion.finish(task, TaskStatus.TIMED_OUT, error, now, null)) {
					this.stuck.decidedElsewhere(task);
				}
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

		/** {@code sequence << 2 | state}: only ever moves forward. */
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
			long next = (((this.published >>> 2) + 1) << 2) | RUNNING;
			this.published = next;
			STAMP.setRelease(this, next);
		}

		/**
		 * Ends the watch of the attempt (the attempt's thread).
		 * @return the state it ended from: {@code RUNNING} (in time), {@code TIMED_OUT}, or {@code ABANDONED}
		 */
		int end() {
			long running = this.published;
			long idle = running & ~3L;
			if ((long) STAMP.getAcquire(this) == running) {
				// no atomic on the common path: a watchdog CAS to TIMED_OUT that lands between this read and the
				// store below is overwritten, and the attempt counts as ended in time. That is safe: a last attempt
				// it timed out was decided TIMED_OUT by then (this result is then dropped), and an attempt with
				// retries left was only interrupted; the grace check CASes from TIMED_OUT, so it finds nothing to
				// abandon. The interrupt, if it comes after, is a stray one that the worker absorbs.
				STAMP.setRelease(this, idle);
				return RUNNING;
			}
			long current = (long) STAMP.getAcquire(this);
			if ((current & 3) == TIMED_OUT && STAMP.compareAndSet(this, current, idle)) {
				TASK.setRelease(this, null);
				return TIMED_OUT;
			}
			return ABANDONED;
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
