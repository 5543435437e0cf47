package io.github.asynctask.autoconfigure;

import java.time.Duration;

import io.github.asynctask.server.DispatchMode;
import io.github.asynctask.server.TaskServerSettings;
import io.github.asynctask.server.WhenFull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Configuration properties for async-task.
 */
@ConfigurationProperties("async-task")
public class AsyncTaskProperties {

	/**
	 * Number of task workers, each a thread with its own queue. Defaults to the number of CPUs.
	 */
	private int taskWorkerNum = Runtime.getRuntime().availableProcessors();

	/**
	 * Number of tasks each worker's queue holds before the when-full policy applies.
	 */
	private int queueCapacity = 10_000;

	/**
	 * How a task that is not pinned to a worker picks one.
	 */
	private DispatchMode dispatchMode = DispatchMode.IDLE_FIRST;

	/**
	 * What dispatch does when the queue is full.
	 */
	private WhenFull whenFull = WhenFull.BLOCK;

	/**
	 * Longest time a dispatch waits for room in a full queue when when-full is 'block'.
	 */
	private Duration blockTimeout = Duration.ofSeconds(1);

	/**
	 * Number of tasks after which a worker's thread is replaced by a fresh one. 0 means never.
	 */
	private int taskMaxRequest = 0;

	/**
	 * Longest time a shutdown waits for queued and running tasks to finish. Tasks still queued after it end
	 * CANCELLED and running ones are interrupted.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(30);

	/**
	 * Whether to run every task synchronously on the dispatching thread, e.g. in tests.
	 */
	private boolean inline = false;

	/**
	 * Whether to carry the dispatching thread's context (MDC, tracing, Spring Security, anything with a registered
	 * ThreadLocalAccessor) into the task and its @OnFinish methods.
	 */
	private boolean propagateContext = true;

	private final Observations observations = new Observations();

	private final Health health = new Health();

	public int getTaskWorkerNum() {
		return this.taskWorkerNum;
	}

	public void setTaskWorkerNum(int taskWorkerNum) {
		Assert.isTrue(taskWorkerNum >= 1 && taskWorkerNum <= TaskServerSettings.MAX_TASK_WORKER_NUM,
				() -> "async-task.task-worker-num must be at least 1 and at most "
						+ TaskServerSettings.MAX_TASK_WORKER_NUM + ", but was " + taskWorkerNum + ". Set it to the number of task workers to run, e.g. 4, or "
						+ "remove it to use one per CPU.");
		this.taskWorkerNum = taskWorkerNum;
	}

	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	public void setQueueCapacity(int queueCapacity) {
		Assert.isTrue(queueCapacity >= 1 && queueCapacity <= TaskServerSettings.MAX_QUEUE_CAPACITY,
				() -> "async-task.queue-capacity must be between 1 and " + TaskServerSettings.MAX_QUEUE_CAPACITY
						+ ", but was " + queueCapacity + ". Set the number of tasks each worker may queue, e.g. 10000.");
		this.queueCapacity = queueCapacity;
	}

	public DispatchMode getDispatchMode() {
		return this.dispatchMode;
	}

	public void setDispatchMode(DispatchMode dispatchMode) {
		this.dispatchMode = dispatchMode;
	}

	public WhenFull getWhenFull() {
		return this.whenFull;
	}

	public void setWhenFull(WhenFull whenFull) {
		this.whenFull = whenFull;
	}

	public Duration getBlockTimeout() {
		return this.blockTimeout;
	}

	public void setBlockTimeout(Duration blockTimeout) {
		Assert.isTrue(!blockTimeout.isNegative(), () -> "async-task.block-timeout must not be negative, but was "
				+ blockTimeout + ". Set a duration such as 1s, or 0 to reject at once.");
		this.blockTimeout = blockTimeout;
	}

	public int getTaskMaxRequest() {
		return this.taskMaxRequest;
	}

	public void setTaskMaxRequest(int taskMaxRequest) {
		Assert.isTrue(taskMaxRequest >= 0, () -> "async-task.task-max-request must be 0 (never) or more, but was "
				+ taskMaxRequest + ".");
		this.taskMaxRequest = taskMaxRequest;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		Assert.isTrue(!shutdownTimeout.isNegative(), () -> "async-task.shutdown-timeout must not be negative, but was "
				+ shutdownTimeout + ". Set a duration such as 30s.");
		this.shutdownTimeout = shutdownTimeout;
	}

	public boolean isInline() {
		return this.inline;
	}

	public void setInline(boolean inline) {
		this.inline = inline;
	}

	public boolean isPropagateContext() {
		return this.propagateContext;
	}

	public void setPropagateContext(boolean propagateContext) {
		this.propagateContext = propagateContext;
	}

	public Observations getObservations() {
		return this.observations;
	}

	public Health getHealth() {
		return this.health;
	}

	/** The task server settings these properties describe. */
	public TaskServerSettings toSettings() {
		return new TaskServerSettings(this.taskWorkerNum, this.queueCapacity, this.dispatchMode, this.whenFull,
				this.blockTimeout, this.taskMaxRequest, this.shutdownTimeout, this.inline, "async-task-worker-");
	}

	/** Micrometer observations of tasks. */
	public static class Observations {

		/**
		 * Whether to make one Micrometer Observation per dispatch and per execution of a task (tracing spans). Off
		 * by default: a span per task is costly at high task rates.
		 */
		private boolean enabled = false;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/** The task server's health indicator. */
	public static class Health {

		/**
		 * Fill of the task queues, from 0 (exclusive) to 1, from which the health indicator reports
		 * OUT_OF_SERVICE.
		 */
		private double queueFillThreshold = 0.9;

		public double getQueueFillThreshold() {
			return this.queueFillThreshold;
		}

		public void setQueueFillThreshold(double queueFillThreshold) {
			Assert.isTrue(queueFillThreshold > 0 && queueFillThreshold <= 1,
					() -> "async-task.health.queue-fill-threshold must be more than 0 and at most 1, but was "
							+ queueFillThreshold + ". Set the share of the queues' capacity from which the task "
							+ "server is reported OUT_OF_SERVICE, e.g. 0.9.");
			this.queueFillThreshold = queueFillThreshold;
		}

	}

}
