package io.github.asynctask.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.asynctask.handler.ExecutionSettings;
import io.github.asynctask.workers.DispatchMode;
import io.github.asynctask.workers.ExecutionControlSettings;
import io.github.asynctask.server.TaskServerSettings;
import io.github.asynctask.workers.WhenFull;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.system.JavaVersion;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

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
	 * Whether to run every task synchronously on the dispatching thread, e.g. in tests. No transport starts then:
	 * in redis mode no Redis connection is opened and nothing is read.
	 */
	private boolean inline = false;

	/**
	 * Where tasks go between dispatching and running: 'local' (this process's workers) or 'redis' (Redis Streams,
	 * any number of nodes, through the application's RedisConnectionFactory).
	 */
	private Transport transport = Transport.LOCAL;

	/**
	 * Settings of the Redis transport (transport=redis).
	 */
	private final Redis redis = new Redis();

	/**
	 * Whether each task runs on its own virtual thread, at most worker-concurrency at once per worker, so that
	 * blocking handlers need no platform thread each. Requires Java 21 or later.
	 */
	private boolean virtualThreads = false;

	/**
	 * Number of tasks each worker runs at once when virtual-threads is enabled.
	 */
	private int workerConcurrency = 100;

	/**
	 * Longest delay between two attempts of a task, however many retries came before.
	 */
	private Duration maxBackoff = Duration.ofMinutes(10);

	/**
	 * How long a timed-out task's thread may ignore its interrupt before its worker goes on with a fresh thread
	 * and the stuck one is abandoned.
	 */
	private Duration timeoutGrace = Duration.ofSeconds(1);

	/**
	 * Per task name, overrides of its @OnTask: retries, backoff, timeout, and max-concurrency. Write a name with
	 * dots in brackets, e.g. async-task.tasks[report.build].timeout=30s.
	 */
	private final Map<String, TaskProperties> tasks = new LinkedHashMap<>();

	/**
	 * Whether to carry the dispatching thread's context (MDC, tracing, Spring Security, anything with a registered
	 * ThreadLocalAccessor) into the task and its @OnFinish methods.
	 */
	private boolean propagateContext = true;

	private final Observations observations = new Observations();

	private final Health health = new Health();

	private final Dashboard dashboard = new Dashboard();

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

	public Transport getTransport() {
		return this.transport;
	}

	public void setTransport(Transport transport) {
		this.transport = transport;
	}

	public Redis getRedis() {
		return this.redis;
	}

	/**
	 * Where tasks go between dispatching and running.
	 */
	public enum Transport {

		/** In-process: this application's task workers. */
		LOCAL,

		/** Redis Streams: task workers on any number of nodes. */
		REDIS

	}

	/**
	 * Settings of the Redis transport.
	 */
	public static class Redis {

		/**
		 * Prefix of every Redis key the transport uses.
		 */
		private String keyPrefix = "async-task";

		/**
		 * Name of this node, unique among live nodes: its consumer name and the name of its reply stream. Defaults
		 * to the host name and the process id.
		 */
		private @Nullable String nodeId;

		/**
		 * Whether this node runs tasks; false makes it dispatch only.
		 */
		private boolean consume = true;

		/**
		 * How long an entry may stay pending without its lease being renewed before another node takes it over.
		 */
		private Duration claimIdle = Duration.ofSeconds(30);

		/**
		 * Number of deliveries after which an entry is dead-lettered instead of run again.
		 */
		private int maxDeliveries = 5;

		/**
		 * Number of entries read per call.
		 */
		private int batchSize = 64;

		/**
		 * Largest encoded payload or result, in bytes; a larger payload is refused at dispatch.
		 */
		private int maxPayloadBytes = 1_048_576;

		/**
		 * Entries not yet read per task stream (checked from its length at least every 100 ms) before dispatch
		 * applies the when-full policy.
		 */
		private long maxBacklog = 1_000_000;

		/**
		 * Partition streams per task name for keyed tasks (withKey): each is owned by one live node at a time, so
		 * this bounds how many nodes run one task name's keyed tasks at once. Must be the same on every node.
		 */
		private int partitions = 16;

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			Assert.isTrue(StringUtils.hasText(keyPrefix) && !keyPrefix.contains(" "),
					() -> "async-task.redis.key-prefix must be a non-empty name without spaces, but was '" + keyPrefix
							+ "'. Set a prefix such as 'async-task' or 'shop-tasks'.");
			this.keyPrefix = keyPrefix;
		}

		public @Nullable String getNodeId() {
			return this.nodeId;
		}

		public void setNodeId(@Nullable String nodeId) {
			Assert.isTrue(nodeId == null || (StringUtils.hasText(nodeId) && !nodeId.contains(" ")),
					() -> "async-task.redis.node-id must be a non-empty name without spaces, but was '" + nodeId
							+ "'. Set a name unique among the live nodes, e.g. 'worker-1', or remove it to use the "
							+ "host name and process id.");
			this.nodeId = nodeId;
		}

		public boolean isConsume() {
			return this.consume;
		}

		public void setConsume(boolean consume) {
			this.consume = consume;
		}

		public Duration getClaimIdle() {
			return this.claimIdle;
		}

		public void setClaimIdle(Duration claimIdle) {
			Assert.isTrue(claimIdle.toMillis() >= 30, () -> "async-task.redis.claim-idle must be at least 30ms, but was "
					+ claimIdle + ". Set how long a dead node's tasks wait before others take them over, e.g. 30s.");
			this.claimIdle = claimIdle;
		}

		public int getMaxDeliveries() {
			return this.maxDeliveries;
		}

		public void setMaxDeliveries(int maxDeliveries) {
			Assert.isTrue(maxDeliveries >= 1, () -> "async-task.redis.max-deliveries must be at least 1, but was "
					+ maxDeliveries + ". Set how often an entry may be delivered before it is dead-lettered, e.g. 5.");
			this.maxDeliveries = maxDeliveries;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			Assert.isTrue(batchSize >= 1 && batchSize <= 10_000, () -> "async-task.redis.batch-size must be between 1 "
					+ "and 10000, but was " + batchSize + ". Set the number of entries read per call, e.g. 64.");
			this.batchSize = batchSize;
		}

		public int getMaxPayloadBytes() {
			return this.maxPayloadBytes;
		}

		public void setMaxPayloadBytes(int maxPayloadBytes) {
			Assert.isTrue(maxPayloadBytes >= 64, () -> "async-task.redis.max-payload-bytes must be at least 64, but was "
					+ maxPayloadBytes + ". Set the largest encoded payload or result in bytes, e.g. 1048576.");
			this.maxPayloadBytes = maxPayloadBytes;
		}

		public long getMaxBacklog() {
			return this.maxBacklog;
		}

		public void setMaxBacklog(long maxBacklog) {
			Assert.isTrue(maxBacklog >= 1, () -> "async-task.redis.max-backlog must be at least 1, but was " + maxBacklog
					+ ". Set the most entries not yet read per task stream before dispatch pushes back, e.g. 1000000.");
			this.maxBacklog = maxBacklog;
		}

		public int getPartitions() {
			return this.partitions;
		}

		public void setPartitions(int partitions) {
			Assert.isTrue(partitions >= 1 && partitions <= 1024, () -> "async-task.redis.partitions must be between 1 "
					+ "and 1024, but was " + partitions + ". Set the number of partition streams per task name for "
					+ "keyed tasks, e.g. 16 (the same on every node).");
			this.partitions = partitions;
		}

	}

	public boolean isInline() {
		return this.inline;
	}

	public void setInline(boolean inline) {
		this.inline = inline;
	}

	public boolean isVirtualThreads() {
		return this.virtualThreads;
	}

	public void setVirtualThreads(boolean virtualThreads) {
		Assert.isTrue(!virtualThreads || JavaVersion.getJavaVersion().isEqualOrNewerThan(JavaVersion.TWENTY_ONE),
				() -> "async-task.virtual-threads=true needs Java 21 or later, but this application runs on Java "
						+ Runtime.version().feature() + ". Run it on Java 21+, or remove async-task.virtual-threads.");
		this.virtualThreads = virtualThreads;
	}

	public int getWorkerConcurrency() {
		return this.workerConcurrency;
	}

	public void setWorkerConcurrency(int workerConcurrency) {
		Assert.isTrue(workerConcurrency >= 1, () -> "async-task.worker-concurrency must be at least 1, but was "
				+ workerConcurrency + ". Set how many tasks a worker runs at once on virtual threads, e.g. 100.");
		this.workerConcurrency = workerConcurrency;
	}

	public Duration getMaxBackoff() {
		return this.maxBackoff;
	}

	public void setMaxBackoff(Duration maxBackoff) {
		Assert.isTrue(!maxBackoff.isNegative() && !maxBackoff.isZero(),
				() -> "async-task.max-backoff must be positive, but was " + maxBackoff
						+ ". Set the longest delay between two attempts, e.g. 10m.");
		this.maxBackoff = maxBackoff;
	}

	public Duration getTimeoutGrace() {
		return this.timeoutGrace;
	}

	public void setTimeoutGrace(Duration timeoutGrace) {
		Assert.isTrue(!timeoutGrace.isNegative(), () -> "async-task.timeout-grace must not be negative, but was "
				+ timeoutGrace + ". Set how long a timed-out task may ignore its interrupt, e.g. 1s.");
		this.timeoutGrace = timeoutGrace;
	}

	public Map<String, TaskProperties> getTasks() {
		return this.tasks;
	}

	/**
	 * What {@code async-task.tasks.<name>.*} overrides, per task name, checked.
	 * @throws IllegalArgumentException naming the key, the value and what is allowed
	 */
	public Map<String, ExecutionSettings.Overrides> executionOverrides() {
		Map<String, ExecutionSettings.Overrides> overrides = new LinkedHashMap<>();
		this.tasks.forEach((name, task) -> overrides.put(name, task.toOverrides("async-task.tasks." + name)));
		return overrides;
	}

	/** The execution-control settings (retries, timeouts, virtual threads) these properties describe. */
	public ExecutionControlSettings toExecutionControlSettings() {
		return new ExecutionControlSettings(this.maxBackoff, this.timeoutGrace, this.virtualThreads,
				this.workerConcurrency);
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

	public Dashboard getDashboard() {
		return this.dashboard;
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

	/** The dashboard page. */
	public static class Dashboard {

		/**
		 * Whether to serve the dashboard page, in a Spring MVC application with Actuator and the asynctask endpoint
		 * exposed over HTTP.
		 */
		private boolean enabled = false;

		/**
		 * Path of the dashboard page.
		 */
		private String path = "/async-task";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			Assert.isTrue(path != null && path.startsWith("/") && path.length() > 1 && !path.endsWith("/")
					&& !path.contains("*") && !path.contains("{") && !path.contains(" "),
					() -> "async-task.dashboard.path must start with '/', not end with '/' and hold no wildcard, "
							+ "brace or space, but was '" + path + "'. Set a path such as '/async-task' or "
							+ "'/ops/tasks'.");
			this.path = path;
		}

	}

}
