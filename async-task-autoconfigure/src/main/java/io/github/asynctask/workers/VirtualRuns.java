package io.github.asynctask.workers;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.asynctask.TaskStatus;
import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.Task;
import org.jspecify.annotations.Nullable;

/**
 * With {@code virtual-threads}: the tasks a worker runs at once, each on a virtual thread of its own, at most
 * {@code worker-concurrency}. The worker's shift only takes tasks and starts them here; a keyed task holds its key
 * while it runs, so one key's tasks still run one at a time, in order. {@code task-max-request} does not apply: no
 * thread runs twice.
 * <p>
 * Threading: {@link #launch} on the worker's shift; a run ends on its own thread, or is left behind by the timeout
 * watchdog ({@link #abandon}); {@link #interruptAll} and {@link #tasks} by the stop.
 */
final class VirtualRuns {

	private final Worker worker;

	private final ThreadFactory factory;

	private final int concurrency;

	private final ConcurrentHashMap<Task, Run> runs = new ConcurrentHashMap<>();

	private final AtomicInteger running = new AtomicInteger();

	/** Outcomes are decided on many threads at once: counted atomically. */
	private final Completion.Tally tally;

	VirtualRuns(Worker worker, ThreadFactory factory, int concurrency) {
		this.worker = worker;
		this.factory = factory;
		this.concurrency = concurrency;
		this.tally = (task) -> worker.counters.decidedElsewhere(task.isSuccess());
	}

	boolean hasPlace() {
		return this.running.get() < this.concurrency;
	}

	/** Tasks running now. */
	int running() {
		return this.running.get();
	}

	/** Starts a task the shift took on a thread of its own. */
	void launch(Task task) {
		Object key = task.routing().key();
		if (key != null) {
			this.worker.holds.hold(key, task); // later tasks of the key wait until this one ends
		}
		Run run = new Run(task);
		this.runs.put(task, run);
		this.running.incrementAndGet();
		try {
			Thread thread = this.factory.newThread(run);
			run.thread = thread;
			thread.start();
		}
		catch (Throwable ex) {
			run.end();
			this.worker.pool.runner().completion().finish(task, TaskStatus.FAILED, ex, System.nanoTime(), this.tally);
		}
	}

	/**
	 * Leaves a thread stuck in a timed-out task behind: its place frees for the next task.
	 * @return {@code true} if it was still running
	 */
	boolean abandon(Task task) {
		Run run = this.runs.get(task);
		if (run == null || !run.end()) {
			return false;
		}
		this.worker.counters.restarted();
		return true;
	}

	/** Interrupts every task running now (at a stop). */
	void interruptAll() {
		for (Run run : this.runs.values()) {
			Thread thread = run.thread;
			if (thread != null) {
				thread.interrupt();
			}
		}
	}

	/** The tasks running now. */
	Collection<Task> tasks() {
		return List.copyOf(this.runs.keySet());
	}

	/** One task on its own virtual thread. */
	private final class Run implements Runnable {

		final Task task;

		volatile @Nullable Thread thread;

		private final AtomicBoolean ended = new AtomicBoolean();

		Run(Task task) {
			this.task = task;
		}

		@Override
		public void run() {
			Worker worker = VirtualRuns.this.worker;
			try {
				worker.pool.runner().run(this.task, VirtualRuns.this.tally);
			}
			finally {
				worker.pool.limits().release(this.task, worker);
				end();
			}
		}

		/** Frees the task's place, once (when it returns, or when it is left behind). */
		boolean end() {
			if (!this.ended.compareAndSet(false, true)) {
				return false;
			}
			VirtualRuns.this.runs.remove(this.task, this);
			VirtualRuns.this.running.decrementAndGet();
			VirtualRuns.this.worker.signalIfParked();
			return true;
		}

		@Override
		public String toString() {
			return VirtualRuns.this.worker.id + "-" + this.task.taskId();
		}

	}

}
