package io.github.asynctask.metrics;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.WorkerStats;
import io.github.asynctask.execution.Task;
import io.github.asynctask.execution.TaskObserver;
import io.github.asynctask.handler.TaskCounters;
import io.github.asynctask.handler.TaskHandler;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;


/**
 * The {@code async.task.*} meters. Counters are {@link FunctionCounter}s over each handler's {@link TaskCounters},
 * which the core keeps anyway, so they cost a task nothing more. The two timers ({@code async.task.duration},
 * {@code async.task.queue.wait}) are {@link FunctionTimer}s: when a task starts and ends, its time (from the
 * times the task carries: no clock read of its own) is added to a striped sum found by the handler's
 * {@linkplain TaskHandler#index() index} and the outcome's ordinal; no map lookup, no allocation, no lock. A
 * full {@code Timer} would add a max and percentiles at the price of a clock read and a shared max update per
 * record, twice per task, on the workers' hot path.
 * <p>
 * Each meter counts on the node where its event happens: {@code dispatched} and {@code rejected} where a task was
 * dispatched; {@code completed}, {@code duration}, {@code queue.wait} and {@code retries} where it ran (an outcome
 * that another node reported back is not counted again here), so summing a meter over all nodes counts each task
 * once.
 * <p>
 * Per-task meters need the handlers, which are known once the handler registry is frozen (after the application's
 * singletons exist): a meter registry bound earlier gets them right when the handler registry freezes, one bound
 * later at once, so they exist in every kind of application as soon as the context is ready.
 * <p>
 * Threading: {@link #started} and {@link #finished} run on the threads that run tasks, concurrently; binding is
 * done at startup.
 */
public class TaskMetrics implements MeterBinder, TaskObserver {

	private static final TaskStatus[] STATUSES = TaskStatus.values();

	private static final String TASKS = BaseUnits.TASKS;

	private final TaskHandlerRegistry handlers;

	private final Supplier<? extends TaskServer> server;

	private final Object sumsLock = new Object();

	/** The sums of the timers, once the handlers are known; {@code null} before. */
	private volatile @Nullable Sums sums;

	/**
	 * Meters for the tasks of these handlers.
	 * @param handlers the handler registry
	 * @param server the task server, looked up when the meters are bound (it depends on this observer)
	 */
	public TaskMetrics(TaskHandlerRegistry handlers, Supplier<? extends TaskServer> server) {
		this.handlers = handlers;
		this.server = server;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		bindServerGauges(registry);
		this.handlers.whenFrozen(() -> bindHandlers(registry));
	}

	private void bindServerGauges(MeterRegistry registry) {
		gauge(registry, "async.task.queued", "Tasks waiting in queues", TASKS,
				(metrics) -> metrics.server.get().stats().queuedNum());
		gauge(registry, "async.task.running", "Tasks running now", TASKS,
				(metrics) -> metrics.server.get().stats().taskingNum());
		gauge(registry, "async.task.workers", "Task workers", "workers",
				(metrics) -> metrics.server.get().taskWorkerNum());
		gauge(registry, "async.task.workers.idle", "Task workers running nothing with nothing queued", "workers",
				(metrics) -> metrics.server.get().stats().idleWorkerNum());
		int workers = this.server.get().taskWorkerNum();
		for (int i = 0; i < workers; i++) {
			int id = i;
			Gauge.builder("async.task.worker.queued", this, (metrics) -> metrics.workerQueued(id))
				.description("Tasks waiting in one task worker's queue")
				.baseUnit(TASKS)
				.tag("worker", Integer.toString(id))
				.register(registry);
		}
	}

	private double workerQueued(int id) {
		List<WorkerStats> workers = this.server.get().stats().workers();
		return (id < workers.size()) ? workers.get(id).queued() : 0;
	}

	private void gauge(MeterRegistry registry, String name, String description, String unit,
			ToDoubleFunction<TaskMetrics> value) {
		Gauge.builder(name, this, value).description(description).baseUnit(unit).register(registry);
	}

	private void bindHandlers(MeterRegistry registry) {
		Sums sums = sums();
		for (TaskHandler handler : this.handlers.handlers()) {
			Tags task = Tags.of("task", handler.name());
			TaskCounters counters = handler.counters();
			counter(registry, "async.task.dispatched", "Tasks accepted", task, counters,
					TaskCounters::dispatchedCount);
			counter(registry, "async.task.rejected",
					"Tasks refused at dispatch: queues full, server stopped, or a tryDispatch that found no room",
					task, counters, TaskCounters::rejectedCount);
			counter(registry, "async.task.retries", "Attempts after the first", task, counters,
					TaskCounters::retriesCount);
			FunctionCounter.builder("async.task.results.dropped", counters, TaskCounters::droppedResultsCount)
				.description("Results that arrived after their waiter gave up")
				.baseUnit("results")
				.tags(task)
				.register(registry);
			FunctionCounter.builder("async.task.listener.errors", counters, TaskCounters::listenerErrorsCount)
				.description("@OnFinish methods and callbacks that threw")
				.baseUnit("errors")
				.tags(task)
				.register(registry);
			int index = handler.index();
			for (TaskStatus status : STATUSES) {
				Tags outcome = task.and("outcome", status.name());
				FunctionCounter.builder("async.task.completed", counters, (c) -> c.completedCount(status))
					.description("Tasks that ended")
					.baseUnit(TASKS)
					.tags(outcome)
					.register(registry);
				LongAdder runTime = sums.runTimes[index][status.ordinal()];
				FunctionTimer.builder("async.task.duration", counters, (c) -> c.completedCount(status),
						(c) -> runTime.sum(), TimeUnit.NANOSECONDS)
					.description("Handler run time of each ended task")
					.tags(outcome)
					.register(registry);
			}
			LongAdder starts = sums.firstStarts[index];
			LongAdder waits = sums.queueWaits[index];
			FunctionTimer.builder("async.task.queue.wait", starts, LongAdder::sum, (s) -> waits.sum(),
					TimeUnit.NANOSECONDS)
				.description("Time from dispatch to the first start")
				.tags(task)
				.register(registry);
		}
	}

	private Sums sums() {
		Sums sums = this.sums;
		if (sums == null) {
			synchronized (this.sumsLock) {
				sums = this.sums;
				if (sums == null) {
					sums = new Sums(this.handlers.handlers().size());
					this.sums = sums;
				}
			}
		}
		return sums;
	}

	private static void counter(MeterRegistry registry, String name, String description, Tags tags,
			TaskCounters counters, ToDoubleFunction<TaskCounters> count) {
		FunctionCounter.builder(name, counters, count)
			.description(description)
			.baseUnit(TASKS)
			.tags(tags)
			.register(registry);
	}

	@Override
	public void started(Task task) {
		Sums sums = this.sums;
		if (sums == null || task.attempts() != 1 || task.dispatchNanos() == 0) {
			return; // not a first start, or not stamped (no one could read its dispatch time)
		}
		int index = task.handler().index();
		sums.firstStarts[index].increment();
		sums.queueWaits[index].add(Math.max(0, task.startNanos() - task.dispatchNanos()));
	}

	@Override
	public void finished(Task task) {
		Sums sums = this.sums;
		if (sums == null || task.ranElsewhere()) {
			return; // its run time is counted on the node that ran it
		}
		long start = task.startNanos();
		long end = task.endNanos();
		long runTime = Math.max(0, (start == 0) ? end : end - start);
		sums.runTimes[task.handler().index()][task.status().ordinal()].add(runTime);
	}

	/** The striped sums behind the timers, by handler index (and outcome ordinal). */
	private static final class Sums {

		final LongAdder[][] runTimes;

		final LongAdder[] firstStarts;

		final LongAdder[] queueWaits;

		Sums(int handlers) {
			this.runTimes = new LongAdder[handlers][STATUSES.length];
			this.firstStarts = new LongAdder[handlers];
			this.queueWaits = new LongAdder[handlers];
			for (int i = 0; i < handlers; i++) {
				for (int j = 0; j < STATUSES.length; j++) {
					this.runTimes[i][j] = new LongAdder();
				}
				this.firstStarts[i] = new LongAdder();
				this.queueWaits[i] = new LongAdder();
			}
		}

	}

}
