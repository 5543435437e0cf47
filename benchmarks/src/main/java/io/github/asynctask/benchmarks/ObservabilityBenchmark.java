package io.github.asynctask.benchmarks;

import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.benchmarks.Scenario.Goal;
import io.github.asynctask.benchmarks.support.AsyncTaskState;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.Noop;
import io.github.asynctask.execution.Task;
import io.github.asynctask.execution.TaskObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Scenario 8: what observability costs a flood of no-op tasks from one producer (scenario 1's workload), in one
 * run. The baselines are async-task itself: {@code metersOff} is the starter's defaults without a
 * {@code MeterRegistry} (context propagation on, nothing to carry), {@code noContextPropagation} the same with
 * {@code async-task.propagate-context=false}. The subjects add, one at a time, the meters on a real
 * {@link SimpleMeterRegistry}, an MDC value on the producer (carried into every task and its {@code @OnFinish}),
 * and observations (with the meter handler Spring Boot installs) on top of the meters.
 */
@Scenario(id = "11", title = "Observability overhead, no-op task, 1 producer (tasks/s)",
		goals = @Goal(subject = "asyncTaskMetersOn", baseline = "metersOff", minRatio = 0.85))
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ObservabilityBenchmark.TASKS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { Bench.XMS, Bench.XMX, Bench.PRE_TOUCH })
public class ObservabilityBenchmark {

	static final int TASKS = 100_000;

	private static final String QUEUE = "async-task.queue-capacity=" + TASKS;

	/** Baseline: the starter's defaults, no meter registry. */
	@Benchmark
	public Batch metersOff(MetersOffState state) {
		return dispatchBatch(state.system.template());
	}

	/** Baseline: no meter registry and {@code async-task.propagate-context=false}: no link in the chain. */
	@Benchmark
	public Batch noContextPropagation(NoContextPropagationState state) {
		return dispatchBatch(state.system.template());
	}

	/** The meters, bound to a {@link SimpleMeterRegistry}. */
	@Benchmark
	public Batch asyncTaskMetersOn(MetersOnState state) {
		return dispatchBatch(state.system.template());
	}

	/**
	 * Not a configuration of async-task: the meters plus what {@code Timer}s instead of function timers would cost,
	 * two {@code Timer.record} calls per task (as the rejected design would make), to size that choice.
	 */
	@Benchmark
	public Batch asyncTaskMetersWithFullTimers(FullTimersState state) {
		return dispatchBatch(state.system.template());
	}

	/** No meters; the producer holds an MDC value, carried into each task and its {@code @OnFinish}. */
	@Benchmark
	public Batch asyncTaskPropagatingMdc(MetersOffState state) {
		MDC.put("requestId", "bench-42");
		try {
			return dispatchBatch(state.system.template());
		}
		finally {
			MDC.remove("requestId");
		}
	}

	/** Meters and {@code async-task.observations.enabled=true}: two observations per task, each a timer. */
	@Benchmark
	public Batch asyncTaskObservations(ObservationsState state) {
		return dispatchBatch(state.system.template());
	}

	private static Batch dispatchBatch(TaskTemplate template) {
		Batch batch = new Batch(TASKS);
		Noop task = new Noop(batch);
		for (int i = 0; i < TASKS; i++) {
			template.dispatch(task);
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	@State(Scope.Benchmark)
	public static class MetersOffState extends AsyncTaskState {

		@Override
		protected String[] properties() {
			return new String[] { QUEUE };
		}

	}

	@State(Scope.Benchmark)
	public static class NoContextPropagationState extends AsyncTaskState {

		@Override
		protected String[] properties() {
			return new String[] { QUEUE, "async-task.propagate-context=false" };
		}

	}

	@State(Scope.Benchmark)
	public static class MetersOnState extends AsyncTaskState {

		@Override
		protected Class<?>[] sources() {
			return new Class<?>[] { Meters.class };
		}

		@Override
		protected String[] properties() {
			return new String[] { QUEUE };
		}

	}

	@State(Scope.Benchmark)
	public static class FullTimersState extends AsyncTaskState {

		@Override
		protected Class<?>[] sources() {
			return new Class<?>[] { Meters.class, FullTimers.class };
		}

		@Override
		protected String[] properties() {
			return new String[] { QUEUE };
		}

	}

	@State(Scope.Benchmark)
	public static class ObservationsState extends AsyncTaskState {

		@Override
		protected Class<?>[] sources() {
			return new Class<?>[] { Meters.class, Observations.class };
		}

		@Override
		protected String[] properties() {
			return new String[] { QUEUE, "async-task.observations.enabled=true" };
		}

	}

	/** What Spring Boot Actuator would do: a {@link SimpleMeterRegistry}, and every {@link MeterBinder} bound to it. */
	@Configuration(proxyBeanMethods = false)
	static class Meters {

		@Bean
		SimpleMeterRegistry simpleMeterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		static SmartInitializingSingleton meterBinding(ObjectProvider<MeterBinder> binders,
				ObjectProvider<MeterRegistry> registry) {
			return () -> binders.orderedStream().forEach((binder) -> binder.bindTo(registry.getObject()));
		}

	}

	/** Two {@link Timer}s recorded per task, found by handler index as the function timers' sums are. */
	@Configuration(proxyBeanMethods = false)
	static class FullTimers {

		@Bean
		TaskObserver fullTimers(MeterRegistry registry) {
			Timer[] durations = new Timer[16];
			Timer[] waits = new Timer[16];
			for (int i = 0; i < durations.length; i++) {
				durations[i] = Timer.builder("bench.duration").tag("i", Integer.toString(i)).register(registry);
				waits[i] = Timer.builder("bench.wait").tag("i", Integer.toString(i)).register(registry);
			}
			return new TaskObserver() {

				@Override
				public void started(Task task) {
					waits[task.handler().index()].record(task.startNanos() - task.dispatchNanos(),
							TimeUnit.NANOSECONDS);
				}

				@Override
				public void finished(Task task) {
					durations[task.handler().index()].record(task.endNanos() - task.startNanos(),
							TimeUnit.NANOSECONDS);
				}

			};
		}

	}

	/** What Spring Boot Actuator would do: an {@link ObservationRegistry} whose observations are timers. */
	@Configuration(proxyBeanMethods = false)
	static class Observations {

		@Bean
		ObservationRegistry observationRegistry(MeterRegistry meters) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
			return registry;
		}

	}

}
