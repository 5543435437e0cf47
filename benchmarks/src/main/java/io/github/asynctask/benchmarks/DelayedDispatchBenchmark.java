package io.github.asynctask.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.benchmarks.support.AsyncTaskSystem;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.Noop;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario 12: what the dispatching thread pays for one delayed dispatch ({@code after(1h)}: the task goes to the
 * timer's heap), beside an immediate dispatch in the same run (scenario 5's call: every worker busy, so the call
 * only enqueues). Each iteration of the delayed side starts a fresh server, so the heap starts empty and grows
 * within the iteration as it would under a burst; its tasks are cancelled by the server's close after the
 * iteration, outside the measurement.
 */
@Scenario(id = "12", title = "Delayed dispatch call (after(1h), into the timer) beside an immediate dispatch",
		percentiles = { "50.0", "99.0" })
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = { Bench.XMS, Bench.XMX, Bench.PRE_TOUCH })
public class DelayedDispatchBenchmark {

	@Benchmark
	public long asyncTaskDelayed(DelayedState state) {
		return state.later.dispatch(state.task);
	}

	/** The baseline: scenario 5's immediate dispatch, every worker busy. */
	@Benchmark
	public long dispatchNow(DispatchWhileBusyBenchmark.AsyncTaskState state) {
		state.dispatched++;
		return state.system.template().dispatch(state.task);
	}

	@State(Scope.Benchmark)
	public static class DelayedState {

		@Param("2")
		public int workers;

		AsyncTaskSystem system;

		TaskTemplate later;

		Noop task;

		@Setup(Level.Iteration)
		public void start() {
			this.system = AsyncTaskSystem.start(this.workers, "async-task.when-full=reject");
			this.later = this.system.template().after(Duration.ofHours(1));
			this.task = new Noop(Batch.unbounded());
		}

		@TearDown(Level.Iteration)
		public void stop() {
			this.system.close(); // ends every waiting task CANCELLED at once
			this.system = null;
			System.gc();
		}

	}

}
