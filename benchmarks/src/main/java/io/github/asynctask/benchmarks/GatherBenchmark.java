package io.github.asynctask.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.asynctask.TaskResult;
import io.github.asynctask.benchmarks.support.AsyncTaskState;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.Noop;
import io.github.asynctask.benchmarks.support.SpringAsyncState;
import io.github.asynctask.benchmarks.support.SpringAsyncSystem;
import io.github.asynctask.benchmarks.support.ThreadPoolState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario 4: scatter {@link #TASKS} no-op tasks and gather all their results into a list (Swoole's
 * {@code taskWaitMulti}); the score is the time of one whole gather.
 */
@Scenario(id = "4", title = "Gather: 100 no-op tasks, wait for all results (time per gather)")
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { Bench.XMS, Bench.XMX, Bench.PRE_TOUCH })
public class GatherBenchmark {

	static final int TASKS = 100;

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Noop TASK = new Noop(Batch.unbounded());

	private static final List<Noop> TASK_LIST = Collections.nCopies(TASKS, TASK);

	private static final Supplier<Noop> HANDLER = () -> TASK;

	@Benchmark
	public List<TaskResult<Noop>> asyncTask(AsyncTaskState state) {
		List<TaskResult<Noop>> results = state.system.template().dispatchAllAndWait(TASK_LIST, WAIT);
		if (results.size() != TASKS || !results.get(TASKS - 1).isSuccess()) {
			throw new IllegalStateException("Gather incomplete: " + results);
		}
		return results;
	}

	@Benchmark
	@SuppressWarnings("unchecked")
	public List<Noop> threadPoolExecutor(ThreadPoolState state) {
		ThreadPoolExecutor executor = state.system.executor();
		CompletableFuture<Noop>[] futures = new CompletableFuture[TASKS];
		for (int i = 0; i < TASKS; i++) {
			futures[i] = CompletableFuture.supplyAsync(HANDLER, executor);
		}
		return gather(futures);
	}

	@Benchmark
	@SuppressWarnings("unchecked")
	public List<Noop> springAsync(SpringAsyncState state) {
		SpringAsyncSystem.AsyncService service = state.system.service();
		CompletableFuture<Noop>[] futures = new CompletableFuture[TASKS];
		for (int i = 0; i < TASKS; i++) {
			futures[i] = service.noop(TASK);
		}
		return gather(futures);
	}

	private static List<Noop> gather(CompletableFuture<Noop>[] futures) {
		CompletableFuture.allOf(futures).join();
		List<Noop> results = new ArrayList<>(futures.length);
		for (CompletableFuture<Noop> future : futures) {
			results.add(future.join());
		}
		return results;
	}

}
