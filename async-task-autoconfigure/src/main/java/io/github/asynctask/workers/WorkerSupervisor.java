package io.github.asynctask.workers;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.execution.Task;

/**
 * The one place worker threads are made, replaced and let go: every thread comes from the {@link ThreadFactory}, in
 * a new {@link WorkerShift} (a new generation); a worker's thread is replaced after {@code task-max-request} tasks
 * (plus a random grace of up to half as many, so that the workers do not all recycle at once, as Swoole does) or
 * when it is stuck in a task whose outcome someone else decided. A replaced shift ends at once, a left-behind one
 * when its task returns, without touching the worker again (see {@link WorkerShift}).
 * <p>
 * Threading: {@link #startAll} by the lifecycle; {@link #replace} by the shift being replaced;
 * {@link #replaceStuck} by whoever decided the stuck task's outcome.
 */
final class WorkerSupervisor {

	private final ThreadFactory threadFactory;

	private final int taskMaxRequest;

	private volatile CountDownLatch exited = new CountDownLatch(0);

	private volatile boolean running;

	/** Shifts started so far: each new shift's generation. */
	private final java.util.concurrent.atomic.AtomicLong generations = new java.util.concurrent.atomic.AtomicLong();

	WorkerSupervisor(ThreadFactory threadFactory, int taskMaxRequest) {
		this.threadFactory = threadFactory;
		this.taskMaxRequest = taskMaxRequest;
	}

	/** Starts a fresh shift for every worker; threads left behind by an earlier stop stay out. */
	void startAll(Worker[] workers) {
		this.exited = new CountDownLatch(workers.length);
		this.running = true;
		for (Worker worker : workers) {
			start(worker);
		}
	}

	/** From now on, a thread that ends is not replaced. */
	void stopReplacing() {
		this.running = false;
	}

	private void start(Worker worker) {
		WorkerShift shift = new WorkerShift(worker, this, this.generations.incrementAndGet(), runLimit());
		Thread thread = this.threadFactory.newThread(shift);
		shift.thread = thread;
		worker.shift(shift);
		thread.start();
	}

	private int runLimit() {
		int limit = this.taskMaxRequest;
		return (limit <= 0) ? 0 : limit + ThreadLocalRandom.current().nextInt(limit / 2 + 1);
	}

	/** Replaces the calling shift, which has run its share of tasks, with a fresh one; the caller then ends. */
	void replace(Worker worker, WorkerShift current) {
		if (worker.shift() != current) {
			return;
		}
		worker.counters.restarted();
		start(worker);
	}

	/**
	 * Leaves behind the shift whose thread is stuck in {@code task}, whose outcome the caller decided, and gives the
	 * worker a fresh shift (unless the pool is stopping).
	 * @return {@code true} if that shift still owned the worker and its thread was still in the task
	 */
	boolean replaceStuck(Worker worker, WorkerShift stuck, Task task) {
		if (worker.shift() != stuck || !stuck.abandon(task)) {
			return false;
		}
		if (this.running) {
			worker.counters.restarted();
			start(worker);
		}
		else {
			worker.shift(null); // it no longer counts as the worker's shift when it ends
			this.exited.countDown();
		}
		return true;
	}

	/** A shift's thread ends: counted if it still owned its worker. */
	void ended(Worker worker, WorkerShift shift) {
		if (worker.shift() == shift) {
			this.exited.countDown();
		}
	}

	/** Waits until every worker's current shift has ended, or the deadline passes. */
	boolean awaitExit(long deadlineNanos) {
		try {
			return this.exited.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
