package io.github.asynctask.actuate;

import java.util.function.Supplier;

import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskServerStats;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.Assert;

/**
 * The health of the task server (component {@code asyncTask}): {@code UP} while it runs, {@code OUT_OF_SERVICE}
 * while it drains its queues on the way to a stop or while its queues are fuller than the threshold (new tasks
 * would wait long, or be refused), {@code DOWN} once it stopped. Details: {@code workers}, {@code idleWorkers},
 * {@code queued} and {@code queueFill} (queued tasks over the queues' capacity, 0 to 1). In redis mode it is
 * {@code DOWN} while Redis cannot be reached (detail {@code redis}), since no task then moves between nodes.
 * <p>
 * Threading: a check reads counters and never blocks the task server.
 */
public class AsyncTaskHealthIndicator extends AbstractHealthIndicator {

	/** Where the server is in its life. */
	public enum State {

		/** Accepting and running tasks. */
		RUNNING,

		/** Stopping: no longer accepting, finishing what is queued and running. */
		DRAINING,

		/** Not running. */
		STOPPED

	}

	private final TaskServer server;

	private final Supplier<State> state;

	private final long queueCapacity;

	private final double queueFillThreshold;

	private final @Nullable AsyncTaskCluster cluster;

	/**
	 * @param server the task server
	 * @param state where it is in its life
	 * @param queueCapacity how many tasks its queues hold in all
	 * @param queueFillThreshold the queue fill, 0 to 1, from which it is reported {@code OUT_OF_SERVICE}
	 */
	public AsyncTaskHealthIndicator(TaskServer server, Supplier<State> state, long queueCapacity,
			double queueFillThreshold) {
		this(server, state, queueCapacity, queueFillThreshold, null);
	}

	/**
	 * @param server the task server
	 * @param state where it is in its life
	 * @param queueCapacity how many tasks its queues hold in all
	 * @param queueFillThreshold the queue fill, 0 to 1, from which it is reported {@code OUT_OF_SERVICE}
	 * @param cluster the cluster the transport spans (redis mode), whose reachability is checked, or {@code null}
	 */
	public AsyncTaskHealthIndicator(TaskServer server, Supplier<State> state, long queueCapacity,
			double queueFillThreshold, @Nullable AsyncTaskCluster cluster) {
		super("Task server health check failed");
		Assert.isTrue(queueFillThreshold > 0 && queueFillThreshold <= 1, "queueFillThreshold must be in (0, 1]");
		this.server = server;
		this.state = state;
		this.queueCapacity = queueCapacity;
		this.queueFillThreshold = queueFillThreshold;
		this.cluster = cluster;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		TaskServerStats stats = this.server.stats();
		long queued = stats.queuedNum();
		double fill = (this.queueCapacity > 0) ? Math.min(1.0, (double) queued / this.queueCapacity) : 0;
		builder.withDetail("workers", this.server.taskWorkerNum())
			.withDetail("idleWorkers", stats.idleWorkerNum())
			.withDetail("queued", queued)
			.withDetail("queueFill", Math.round(fill * 1000) / 1000.0);
		String problem = null;
		if (this.cluster != null) {
			problem = this.cluster.problem();
			builder.withDetail("redis", (problem != null) ? "unreachable: " + problem : "reachable");
		}
		State state = this.state.get();
		if (problem != null && state != State.STOPPED) {
			builder.down().withDetail("state", state.name().toLowerCase(java.util.Locale.ROOT));
			return;
		}
		switch (state) {
			case STOPPED -> builder.down().withDetail("state", "stopped");
			case DRAINING -> builder.outOfService().withDetail("state", "draining");
			case RUNNING -> {
				if (fill >= this.queueFillThreshold) {
					builder.outOfService()
						.withDetail("state", "running")
						.withDetail("reason", "queues are " + Math.round(fill * 100) + "% full, over the threshold of "
								+ Math.round(this.queueFillThreshold * 100) + "% (async-task.health.queue-fill-threshold)");
				}
				else {
					builder.up().withDetail("state", "running");
				}
			}
		}
	}

}
