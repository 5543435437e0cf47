package io.github.asynctask.benchmarks;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.asynctask.benchmarks.Scenario.Goal;
import io.github.asynctask.benchmarks.support.AsyncTaskState;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.Noop;
import io.github.asynctask.benchmarks.support.SpringAsyncState;
import io.github.asynctask.benchmarks.support.ThreadPoolState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario 3: one caller thread runs a no-op task on a worker and waits for its result, again and again
 * (every worker idle between two calls): the latency distribution of a round trip. It is dominated by two
 * thread wake-ups (caller to worker, worker to caller), whose cost depends on where the scheduler places the
 * threads, which differs from one JVM to the next: hence three forks.
 */
@Scenario(id = "3", title = "Round trip of one no-op task, caller waits (latency)",
		percentiles = { "50.0", "99.0", "99.9" },
		goals = @Goal(subject = "asyncTaskDispatchAndWait", baseline = "threadPoolExecutor", metric = "50.0",
				minRatio = 1.0))
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 3, jvmArgsAppend = { Bench.XMS, Bench.XMX, Bench.PRE_TOUCH })
public class RoundTripBenchmark {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Noop TASK = new Noop(Batch.unbounded());

	private static final Supplier<Noop> HANDLER = () -> TASK;

	/** {@code dispatchAndWait}: Swoole's {@code taskwait}. */
	@Benchmark
	public Noop asyncTaskDispatchAndWait(AsyncTaskState state) {
		return state.system.template().dispatchAndWait(TASK, WAIT);
	}

	/** {@code submit(...).get()}: the future-based form of the same round trip. */
	@Benchmark
	public Noop asyncTaskSubmit(AsyncTaskState state) throws InterruptedException, ExecutionException {
		return state.system.template().<Noop>submit(TASK).get();
	}

	@Benchmark
	public Noop threadPoolExecutor(ThreadPoolState state) throws InterruptedException, ExecutionException {
		return CompletableFuture.supplyAsync(HANDLER, state.system.executor()).get();
	}

	@Benchmark
	public Noop springAsync(SpringAsyncState state) throws InterruptedException, ExecutionException {
		return state.system.service().noop(TASK).get();
	}

}
