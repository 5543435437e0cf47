package io.github.asynctask.benchmarks;

import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.actuate.ThroughputSampler;
import io.github.asynctask.benchmarks.Scenario.Goal;
import io.github.asynctask.benchmarks.support.AsyncTaskState;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.Noop;
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

/**
 * Scenario 13: what the dashboard's throughput ring costs scenario 1's workload (no-op tasks from one producer, first
 * dispatch to last {@code @OnFinish}), in one run: {@code ringOff} is the starter as it is, {@code asyncTaskRingOn}
 * the same with the {@link ThroughputSampler} that {@code async-task.dashboard.enabled=true} starts (one thread
 * reading the server's counters once a second). The goal: within 2%. Two JMH forks of this workload differ by
 * ±30% on a shared 2-vCPU machine, more than the 2% in question; {@link DashboardRingPaired} measures it within one
 * JVM, against an A/A control.
 */
@Scenario(id = "13", title = "Dashboard ring overhead, no-op task, 1 producer (tasks/s)",
		goals = @Goal(subject = "asyncTaskRingOn", baseline = "ringOff", minRatio = 0.98))
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(DashboardRingBenchmark.TASKS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { Bench.XMS, Bench.XMX, Bench.PRE_TOUCH })
public class DashboardRingBenchmark {

	static final int TASKS = 100_000;

	/** Baseline: no ring. */
	@Benchmark
	public Batch ringOff(RingOffState state) {
		return dispatchBatch(state.system.template());
	}

	/** The ring sampled once a second, as with the dashboard on. */
	@Benchmark
	public Batch asyncTaskRingOn(RingOnState state) {
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

	/** Scenario 1's async-task: a queue capacity that holds a whole batch. */
	@State(Scope.Benchmark)
	public static class RingOffState extends AsyncTaskState {

		@Override
		protected String[] properties() {
			return new String[] { "async-task.queue-capacity=" + TASKS };
		}

	}

	/** {@link RingOffState} with the ring sampled once a second. */
	@State(Scope.Benchmark)
	public static class RingOnState extends RingOffState {

		private ThroughputSampler sampler;

		// overrides of the trial's setup and teardown (JMH calls the inherited annotated methods), so that the ring
		// starts after the system and stops before it
		@Override
		public void start() {
			super.start();
			this.sampler = new ThroughputSampler(this.system.server(), this.system.handlers());
			this.sampler.start();
		}

		@Override
		public void stop() {
			this.sampler.stop();
			super.stop();
		}

	}

}
