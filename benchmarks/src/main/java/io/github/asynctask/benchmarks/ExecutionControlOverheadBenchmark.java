package io.github.asynctask.benchmarks;

import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskTemplate;
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
 * Scenario 9: what retries and a timeout cost when they are configured but never triggered: the no-op throughput of
 * scenario 1 with {@code tasks.Noop.retries=3} and {@code tasks.Noop.timeout=10s}, against the same without. It
 * must stay within 10%.
 */
@Scenario(id = "10", title = "Throughput, no-op task with retries and a timeout configured, never triggered (tasks/s)",
		goals = @Goal(baseline = "withoutRetryOrTimeout", minRatio = 0.9))
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ExecutionControlOverheadBenchmark.TASKS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { Bench.XMS, Bench.XMX, Bench.PRE_TOUCH })
public class ExecutionControlOverheadBenchmark {

	static final int TASKS = 100_000;

	@Benchmark
	public Batch asyncTaskWithRetryAndTimeout(RetryTimeoutState state) {
		return dispatchBatch(state.system.template());
	}

	@Benchmark
	public Batch withoutRetryOrTimeout(PlainState state) {
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

	/** As scenario 1's async-task side. */
	@State(Scope.Benchmark)
	public static class PlainState extends AsyncTaskState {

		@Override
		protected String[] properties() {
			return new String[] { "async-task.queue-capacity=" + TASKS };
		}

	}

	/** The same with 3 retries and a 10 s timeout on the no-op task. */
	@State(Scope.Benchmark)
	public static class RetryTimeoutState extends AsyncTaskState {

		@Override
		protected String[] properties() {
			return new String[] { "async-task.queue-capacity=" + TASKS, "async-task.tasks.Noop.retries=3",
					"async-task.tasks.Noop.timeout=10s" };
		}

	}

}
