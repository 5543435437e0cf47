package io.github.asynctask.benchmarks.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the finishes of one batch of tasks and releases whoever waits for the last one. Every implementation
 * under test (async-task, ThreadPoolExecutor, Spring {@code @Async}) finishes through {@link #finished()}, so
 * the counting cost is the same on every side.
 */
public final class Batch {

	private final long size;

	private final AtomicLong finished = new AtomicLong();

	private final CountDownLatch done = new CountDownLatch(1);

	public Batch(long size) {
		this.size = size;
	}

	/** A batch that never completes: used where only the finish count matters. */
	public static Batch unbounded() {
		return new Batch(Long.MAX_VALUE);
	}

	public void finished() {
		if (this.finished.incrementAndGet() == this.size) {
			this.done.countDown();
		}
	}

	public long finishedCount() {
		return this.finished.get();
	}

	public void await(Duration timeout) {
		try {
			if (!this.done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				throw new IllegalStateException(
						"Batch not finished after " + timeout + ": " + this.finished.get() + " of " + this.size);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Waits (polling, outside any measurement) until at least {@code count} tasks finished. */
	public void awaitCount(long count, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.finished.get() < count) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Only " + this.finished.get() + " of " + count + " tasks finished after " + timeout);
			}
			Sleeper.sleepMillis(1);
		}
	}

}
