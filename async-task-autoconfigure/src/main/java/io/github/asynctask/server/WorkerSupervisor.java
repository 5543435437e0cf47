package io.github.asynctask.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.execution.Task;

/**
 * The one place worker threads are made, replaced and let go: every thread comes from the {@link ThreadFactory};
 * a worker's thread is replaced after {@code task-max-request} tasks (plus a random grace of up to half as many, so
 * that the workers do not all recycle at once, as Swoole does) or when it is stuck in a task whose outcome someone
 * else decided. The worker's current thread is the one in {@link Worker#thread}; a replaced thread ends at once, and
 * a left-behind one ends when its task returns, without touching the worker again (see {@link Worker}).
 * <p>
 * Threading: {@link #startAll} by the lifecycle; {@link #replace} by the thread being replaced; {@link #replaceStuck}
 * by whoever decided the stuck task's outcome.
 */
final class WorkerSupervisor {

	private final ThreadFactory threadFactory;

	private final int taskMaxRequest;

	private volatile CountDownLatch exited = new CountDownLatch(0);

	private volatile boolean running;

	WorkerSupervisor(ThreadFactory threadFactory, int taskMaxRequest) {
		this.threadFactory = threadFactory;
		this.taskMaxRequest = taskMaxRequest;
	}

	/** Starts a fresh thread for every worker; threads left behind by an earlier stop stay out. */
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
		worker.newShift(runLimit());
		Thread thread = this.threadFactory.newThread(new Shift(worker));
		worker.thread = thread;
		thread.start();
	}

	private int runLimit() {
		int limit = this.taskMaxRequest;
		return (limit <= 0) ? 0 : limit + ThreadLocalRandom.current().nextInt(limit / 2 + 1);
	}

	/** Replaces the calling thread, which has run its share of tasks, with a fresh one; the caller then ends. */
	void replace(Worker worker, Thread current) {
		if (worker.thread != current) {
			return;
		}
		worker.restarts++;
		start(worker);
	}

	/**
	 * Leaves behind the thread stuck in {@code task}, whose outcome the caller decided, and gives the worker a fresh
	 * thread (unless the server is stopping).
	 * @return {@code true} if the thread was still in the task
	 */
	boolean replaceStuck(Worker worker, Task task) {
		if (!worker.abandon(task)) {
			return false;
		}
		if (this.running) {
			worker.restarts++;
			start(worker);
		}
		else {
			worker.thread = null; // it no longer counts as the worker's thread when it ends
			this.exited.countDown();
		}
		return true;
	}

	/** Waits until every worker's current thread has ended, or the deadline passes. */
	boolean awaitExit(long deadlineNanos) {
		try {
			return this.exited.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** One thread's run of a worker. */
	private final class Shift implements Runnable {

		private final Worker worker;

		Shift(Worker worker) {
			this.worker = worker;
		}

		@Override
		public void run() {
			Thread self = Thread.currentThread();
			try {
				this.worker.run(self);
			}
			finally {
				if (this.worker.thread == self) {
					WorkerSupervisor.this.exited.countDown();
				}
			}
		}

		@Override
		public String toString() {
			return this.worker.toString();
		}

	}

}
