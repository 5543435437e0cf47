package io.github.asynctask.actuate;

import java.util.function.Supplier;

import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskServerStats;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.Assert;

/**
 * The health of the task server (component {@code asyncTask}): {@code UP} while it runs, {@code OUT_OF_SERVICE}
 * while it drains its queues on the way to a stop or while its queues are fuller than the threshold (new tasks
 * would wait long, or be refused), {@code DOWN} once it stopped. Details: {@code workers}, {@code idleWorkers},
 * {@code queued} and {@code queueFill} (queued tasks over the queues' capacity, 0 to 1).
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

	/**
	 * @param server the task server
	 * @param state where it is in its life
	 * @param queueCapacity how many tasks its queues hold in all
	 * @param queueFillThreshold the queue fill, 0 to 1, from which it is reported {@code OUT_OF_SERVICE}
	 */
	public AsyncTaskHealthIndicator(TaskServer server, Supplier<State> state, long queueCapacity,
			double queueFillThreshold) {
		super("Task server health check failed");
		Assert.isTrue(queueFillThreshold > 0 && queueFillThreshold <= 1, "queueFillThreshold must be in (0, 1]");
		this.server = server;
		this.state = state;
		this.queueCapacity = queueCapacity;
		this.queueFillThreshold = queueFillThreshold;
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
		switch (this.state.get()) {
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
