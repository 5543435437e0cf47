package io.github.asynctask.workers;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

import io.github.asynctask.TaskStatus;
import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.Task;
import io.github.asynctask.execution.TimeoutWatchdog;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Threads that stay in a task whose outcome someone else decided: one that ignored its timeout's interrupt past
 * {@code timeout-grace} ({@link #abandon}, called by the timeout watchdog), and those still running when a stop's
 * grace is over ({@link #endRunning}). Each is left behind: its worker goes on with a fresh shift (or, with virtual
 * threads, the task's place frees), the restart is counted, and a WARN names the thread and where it was stuck; the
 * outcome the watchdog decided for it is delivered on a thread of its own ({@link #deliver}).
 * <p>
 * Threading: {@link #abandon} and {@link #deliver} on the watchdog thread; {@link #endRunning} on the stopping thread.
 */
final class StuckThreads implements TimeoutWatchdog.Stuck {

	private static final Log logger = LogFactory.getLog(StuckThreads.class);

	private final WorkerPool pool;

	StuckThreads(WorkerPool pool) {
		this.pool = pool;
	}

	@Override
	public void abandon(Task task, Thread thread, long graceNanos) {
		Worker worker = workerOf(task);
		String what;
		if (worker != null && worker.virtualRuns != null) {
			if (!worker.virtualRuns.abandon(task)) {
				return; // its thread came back meanwhile
			}
			what = "its place on worker " + worker.id + " goes to the next task (counted in the worker's restarts)";
		}
		else if (worker != null) {
			WorkerShift shift = worker.shift();
			if (shift == null || shift.thread != thread
					|| !this.pool.supervisor().replaceStuck(worker, shift, task)) {
				return; // its thread came back meanwhile
			}
			what = "worker " + worker.id + " goes on with a fresh thread (counted in its restarts)";
		}
		else {
			what = "the thread that ran it (its caller) stays in it";
		}
		logger.warn("Task " + task.taskId() + " '" + task.taskName() + "' timed out, and its thread '"
				+ thread.getName() + "' ignored the interrupt for " + Duration.ofNanos(graceNanos).toMillis()
				+ "ms (async-task.timeout-grace): the thread is left behind and " + what
				+ "; its late result, if any, will be dropped. The stuck thread was at:" + stackOf(thread));
	}

	@Override
	public void decidedElsewhere(Task task) {
		Worker worker = workerOf(task);
		if (worker != null) {
			worker.counters.decidedElsewhere(false);
		}
	}

	/**
	 * Delivers the outcome of a task whose thread was left behind on a thread of the pool's own, made for it: the
	 * event is rare (a thread stuck past its grace), and a slow listener then holds no other thread.
	 */
	@Override
	public void deliver(Task task) {
		Completion completion = this.pool.runner().completion();
		Runnable delivery = new Runnable() {

			@Override
			public void run() {
				completion.deliverDeferred(task);
			}

			@Override
			public String toString() {
				return task.workerId() + "-delivery-" + task.taskId();
			}

		};
		this.pool.threadFactory().newThread(delivery).start();
	}

	private @Nullable Worker workerOf(Task task) {
		Worker[] workers = this.pool.workerArray();
		int id = task.workerId();
		return (id >= 0 && id < workers.length) ? workers[id] : null;
	}

	/**
	 * Ends {@code CANCELLED} every task still running after a stop interrupted it and waited {@code grace}, and
	 * leaves its thread behind.
	 */
	void endRunning(Duration grace, long deadlineNanos) {
		Completion completion = this.pool.runner().completion();
		for (Worker worker : this.pool.workerArray()) {
			VirtualRuns virtual = worker.virtualRuns;
			if (virtual != null) {
				while (virtual.running() > 0 && System.nanoTime() - deadlineNanos < 0) {
					LockSupport.parkNanos(1_000_000);
				}
				for (Task task : virtual.tasks()) {
					if (completion.finish(task, TaskStatus.CANCELLED, stillRunning(task, "virtual thread", grace),
							System.nanoTime(), null)) {
						worker.counters.decidedElsewhere(false);
					}
					completion.deliverDeferred(task); // a timeout decided first: its thread will not deliver it
					virtual.abandon(task);
				}
				continue;
			}
			WorkerShift shift = worker.shift();
			Task task = worker.running();
			if (shift == null || task == null) {
				continue;
			}
			if (completion.finish(task, TaskStatus.CANCELLED, stillRunning(task, "thread", grace), System.nanoTime(),
					null)) {
				worker.counters.decidedElsewhere(false);
			}
			completion.deliverDeferred(task); // a timeout decided first: its thread will not deliver it
			if (this.pool.supervisor().replaceStuck(worker, shift, task)) {
				worker.cancelSetAside(WorkerPool.STILL_QUEUED);
				Thread thread = shift.thread;
				logger.warn("Task server stopped with " + task + " still running on thread '"
						+ ((thread != null) ? thread.getName() : "?") + "', which ignored its interrupt; the thread"
						+ " was left behind and its late result, if any, will be dropped. It was at:"
						+ stackOf(thread));
			}
		}
	}

	private static CancellationException stillRunning(Task task, String thread, Duration grace) {
		return new CancellationException("Task " + task.taskId() + " '" + task.taskName() + "' was still running "
				+ "when the task server stopped; its " + thread + " was interrupted and did not end within "
				+ grace.toMillis() + "ms, so it was left behind");
	}

	private static String stackOf(@Nullable Thread thread) {
		if (thread == null) {
			return " (unknown)";
		}
		StringBuilder stack = new StringBuilder();
		for (StackTraceElement element : thread.getStackTrace()) {
			stack.append(System.lineSeparator()).append("\tat ").append(element);
		}
		return stack.toString();
	}

}
