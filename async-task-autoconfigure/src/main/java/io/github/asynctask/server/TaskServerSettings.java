package io.github.asynctask.server;

import java.time.Duration;

import io.github.asynctask.workers.DispatchMode;
import io.github.asynctask.workers.WhenFull;
import io.github.asynctask.workers.WorkerPoolSettings;

import org.springframework.util.Assert;

/**
 * The settings of a task server and its worker pool.
 * @param taskWorkerNum number of workers, at least 1
 * @param queueCapacity queued tasks per worker (and for the shared queue), at least 1
 * @param dispatchMode how unpinned tasks pick a worker
 * @param whenFull what {@code dispatch} does when the queue is full
 * @param blockTimeout longest wait for room under {@link WhenFull#BLOCK}
 * @param taskMaxRequest replace a worker's thread after this many tasks (0: never)
 * @param shutdownTimeout how long a stop drains queued and running tasks
 * @param inline run every task on the dispatching thread
 * @param threadNamePrefix worker thread names are this prefix and the worker id
 */
public record TaskServerSettings(int taskWorkerNum, int queueCapacity, DispatchMode dispatchMode, WhenFull whenFull,
		Duration blockTimeout, int taskMaxRequest, Duration shutdownTimeout, boolean inline,
		String threadNamePrefix) {

	/** The largest {@code queue-capacity}. */
	public static final int MAX_QUEUE_CAPACITY = WorkerPoolSettings.MAX_QUEUE_CAPACITY;

	/** The most task workers. */
	public static final int MAX_TASK_WORKER_NUM = WorkerPoolSettings.MAX_TASK_WORKER_NUM;

	public TaskServerSettings {
		Assert.isTrue(!shutdownTimeout.isNegative(), "shutdownTimeout must not be negative");
		new WorkerPoolSettings(taskWorkerNum, queueCapacity, dispatchMode, whenFull, blockTimeout, taskMaxRequest,
				inline, threadNamePrefix); // validates the rest
	}

	/** The settings of the worker pool these settings describe. */
	public WorkerPoolSettings workerPool() {
		return new WorkerPoolSettings(this.taskWorkerNum, this.queueCapacity, this.dispatchMode, this.whenFull,
				this.blockTimeout, this.taskMaxRequest, this.inline, this.threadNamePrefix);
	}

	/** Defaults: one worker per CPU, 10,000 queued tasks each, idle-first, block for up to 1s. */
	public static TaskServerSettings defaults() {
		return new TaskServerSettings(Runtime.getRuntime().availableProcessors(), 10_000, DispatchMode.IDLE_FIRST,
				WhenFull.BLOCK, Duration.ofSeconds(1), 0, Duration.ofSeconds(30), false, "async-task-worker-");
	}

}
