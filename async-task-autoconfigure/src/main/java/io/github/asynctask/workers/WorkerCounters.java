package io.github.asynctask.workers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker's counts for {@code stats()}: the outcomes its own platform thread decided (release stores by that one
 * thread, no atomic, kept off the lines producers read), the outcomes decided elsewhere (a timeout, a stop, a virtual
 * thread: atomics), and the times its thread was replaced.
 * <p>
 * Threading: {@link #ran} only by the worker's current platform thread; everything else from any thread.
 */
final class WorkerCounters extends Padded.CounterFields {

	private static final VarHandle PROCESSED;

	private static final VarHandle FAILED;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			PROCESSED = lookup.findVarHandle(Padded.CounterFields.class, "processed", long.class);
			FAILED = lookup.findVarHandle(Padded.CounterFields.class, "failed", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	@SuppressWarnings("unused")
	private long p11, p12, p13, p14, p15, p16, p17, p18;

	private final AtomicLong decidedElsewhere = new AtomicLong();

	private final AtomicLong failedElsewhere = new AtomicLong();

	private final AtomicInteger restarts = new AtomicInteger();

	/** Counts an outcome the worker's platform thread decided (that thread only). */
	void ran(boolean success) {
		PROCESSED.setRelease(this, this.processed + 1);
		if (!success) {
			FAILED.setRelease(this, this.failed + 1);
		}
	}

	/** Counts an outcome of a task on this worker that another thread decided. */
	void decidedElsewhere(boolean success) {
		this.decidedElsewhere.incrementAndGet();
		if (!success) {
			this.failedElsewhere.incrementAndGet();
		}
	}

	/** The worker's thread (or, with virtual threads, a task's place) was replaced. */
	void restarted() {
		this.restarts.incrementAndGet();
	}

	long processed() {
		return (long) PROCESSED.getOpaque(this) + this.decidedElsewhere.get();
	}

	long failed() {
		return (long) FAILED.getOpaque(this) + this.failedElsewhere.get();
	}

	int restarts() {
		return this.restarts.get();
	}

}
