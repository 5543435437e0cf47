package io.github.asynctask.metrics;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.github.asynctask.TaskStatus;
import io.github.asynctask.handler.TaskHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The meters of a cluster (redis mode): {@code async.task.stream.length}, {@code .pending}, {@code .lag},
 * {@code .delayed} and {@code .overdue} per task name, {@code async.task.nodes}, all gauges over a reading its source
 * takes in the background (a scrape never waits on Redis), {@code async.task.results} (tags {@code task},
 * {@code outcome}: outcomes that the nodes which ran this node's tasks reported back here, read from the counters
 * the task server keeps), {@code async.task.dead.lettered} (tags {@code task}, {@code reason}), counted on the node
 * that dead-lettered, a series per reason kind from its first dead letter on, and {@code async.task.replies.expired}
 * (tag {@code task}), the tasks dispatched by this node whose reply could no longer come.
 * <p>
 * Threading: gauges are read by the registries' threads; {@link #deadLettered} is called by the source's thread.
 */
public class ClusterMetrics implements MeterBinder, SmartInitializingSingleton {

	/** The figures of the last reading; {@code NaN} before there is one. */
	public interface Figures {

		/** Entries in a task name's stream. */
		double streamLength(String task);

		/** Entries of a task name's stream read and not yet acknowledged. */
		double streamPending(String task);

		/** Entries of a task name's stream not yet read. */
		double streamLag(String task);

		/** Delayed tasks of a task name waiting in Redis, not yet moved to its stream. */
		double streamDelayed(String task);

		/** How long the earliest delayed task of a task name has been due without being moved, in seconds. */
		double streamOverdueSeconds(String task);

		/** Live nodes. */
		double nodes();

		/** Tasks of a name dispatched by this node whose reply could no longer come, since it started. */
		default double repliesExpired(String task) {
			return 0;
		}

	}

	private final Supplier<? extends Collection<TaskHandler>> handlers;

	private final Figures figures;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	/**
	 * @param handlers the handlers, known when the meters are bound (empty before)
	 * @param figures the last reading
	 */
	public ClusterMetrics(Supplier<? extends Collection<TaskHandler>> handlers, Figures figures) {
		this.handlers = handlers;
		this.figures = figures;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		Gauge.builder("async.task.nodes", this.figures, Figures::nodes)
			.description("Live nodes of the cluster")
			.baseUnit("nodes")
			.register(registry);
		bindStreams(registry);
	}

	/** Binds the per-task gauges of registries bound before the task names were known (registering is idempotent). */
	@Override
	public void afterSingletonsInstantiated() {
		this.registries.forEach(this::bindStreams);
	}

	private void bindStreams(MeterRegistry registry) {
		for (TaskHandler handler : this.handlers.get()) {
			String task = handler.name();
			for (TaskStatus status : TaskStatus.values()) {
				FunctionCounter.builder("async.task.results", handler.counters(), (c) -> c.resultsCount(status))
					.description("Outcomes of tasks dispatched here that the node which ran them reported back")
					.baseUnit(BaseUnits.TASKS)
					.tags("task", task, "outcome", status.name())
					.register(registry);
			}
			Gauge.builder("async.task.stream.length", this.figures, (f) -> f.streamLength(task))
				.description("Entries in the task name's stream")
				.baseUnit(BaseUnits.TASKS)
				.tag("task", task)
				.register(registry);
			Gauge.builder("async.task.stream.pending", this.figures, (f) -> f.streamPending(task))
				.description("Entries of the task name's stream read by a node and not yet acknowledged")
				.baseUnit(BaseUnits.TASKS)
				.tag("task", task)
				.register(registry);
			Gauge.builder("async.task.stream.lag", this.figures, (f) -> f.streamLag(task))
				.description("Entries of the task name's stream not yet read by any node")
				.baseUnit(BaseUnits.TASKS)
				.tag("task", task)
				.register(registry);
			Gauge.builder("async.task.stream.delayed", this.figures, (f) -> f.streamDelayed(task))
				.description("Delayed tasks of the task name waiting in Redis for their due time (or for a mover)")
				.baseUnit(BaseUnits.TASKS)
				.tag("task", task)
				.register(registry);
			Gauge.builder("async.task.stream.overdue", this.figures, (f) -> f.streamOverdueSeconds(task))
				.description("How long the earliest due delayed task of the task name has waited to be moved to its "
						+ "stream (0: none due); it grows when no consuming node moves them, or they cannot keep up")
				.baseUnit("seconds")
				.tag("task", task)
				.register(registry);
			FunctionCounter.builder("async.task.replies.expired", this.figures, (f) -> f.repliesExpired(task))
				.description("Tasks dispatched by this node whose reply could no longer come, ended FAILED")
				.baseUnit(BaseUnits.TASKS)
				.tag("task", task)
				.register(registry);
		}
	}

	/**
	 * Counts dead letters this node wrote.
	 * @param task the task name
	 * @param reason the kind of reason
	 * @param count how many
	 */
	public void deadLettered(String task, String reason, long count) {
		for (MeterRegistry registry : this.registries) {
			Counter.builder("async.task.dead.lettered")
				.description("Entries dead-lettered by this node instead of run")
				.baseUnit(BaseUnits.TASKS)
				.tags("task", task, "reason", reason)
				.register(registry)
				.increment(count);
		}
	}

}
