package io.github.asynctask.workers;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How the worker pool queues and places tasks.
 * @param taskWorkerNum number of workers, at least 1
 * @param queueCapacity queued tasks per worker (and for the shared queue), at least 1
 * @param dispatchMode how unpinned tasks pick a worker
 * @param whenFull what a dispatch does when the queue is full
 * @param blockTimeout longest wait for room under {@link WhenFull#BLOCK}
 * @param taskMaxRequest replace a worker's thread after this many tasks (0: never)
 * @param inline no worker threads: every task runs on the thread that dispatches it (retries on the retry timer)
 * @param threadNamePrefix worker thread names are this prefix and the worker id
 */
public record WorkerPoolSettings(int taskWorkerNum, int queueCapacity, DispatchMode dispatchMode, WhenFull whenFull,
		Duration blockTimeout, int taskMaxRequest, boolean inline, String threadNamePrefix) {

	/** The largest {@code queue-capacity}: a queue's slots are a power of two, twice the capacity. */
	public static final int MAX_QUEUE_CAPACITY = 1 << 29;

	/** The most task workers. */
	public static final int MAX_TASK_WORKER_NUM = 1 << 16;

	public WorkerPoolSettings {
		Assert.isTrue(taskWorkerNum >= 1 && taskWorkerNum <= MAX_TASK_WORKER_NUM,
				() -> "taskWorkerNum must be between 1 and " + MAX_TASK_WORKER_NUM + ", was " + taskWorkerNum);
		Assert.isTrue(queueCapacity >= 1 && queueCapacity <= MAX_QUEUE_CAPACITY,
				() -> "queueCapacity must be between 1 and " + MAX_QUEUE_CAPACITY + ", was " + queueCapacity);
		Assert.notNull(dispatchMode, "dispatchMode must not be null");
		Assert.notNull(whenFull, "whenFull must not be null");
		Assert.isTrue(!blockTimeout.isNegative(), "blockTimeout must not be negative");
		Assert.isTrue(taskMaxRequest >= 0, () -> "taskMaxRequest must not be negative, was " + taskMaxRequest);
	}

}
