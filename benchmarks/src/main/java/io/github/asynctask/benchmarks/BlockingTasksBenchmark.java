package io.github.asynctask.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.benchmarks.support.AsyncTaskSystem;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.SpringAsyncSystem;
import io.github.asynctask.benchmarks.support.Sleep;
import io.github.asynctask.benchmarks.support.ThreadPoolSystem;
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
 * Scenario 7: a realistic, I/O-like load: {@link #TASKS} tasks that each block {@link #BLOCK_MILLIS} ms, on
 * {@code workers} threads; the score is the time from the first dispatch to the last finish (the ideal is
 * {@code TASKS * BLOCK_MILLIS / workers} = 625 ms with 8 workers).
 */
@Scenario(id = "7", title = "1,000 tasks blocking 5 ms each, 8 workers (time for all)")
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { Bench.XMS, Bench.XMX, Bench.PRE_TOUCH })
public class BlockingTasksBenchmark {

	static final int TASKS = 1_000;

	static final long BLOCK_MILLIS = 5;

	@Benchmark
	public Batch asyncTask(AsyncTaskState state) {
		Batch batch = new Batch(TASKS);
		Sleep task = new Sleep(batch, BLOCK_MILLIS);
		TaskTemplate template = state.system.template();
		for (int i = 0; i < TASKS; i++) {
			template.dispatch(task);
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	@Benchmark
	public Batch threadPoolExecutor(ThreadPoolState state) {
		Batch batch = new Batch(TASKS);
		Sleep task = new Sleep(batch, BLOCK_MILLIS);
		Supplier<Sleep> handler = () -> ThreadPoolSystem.sleep(task);
		ThreadPoolExecutor executor = state.system.executor();
		for (int i = 0; i < TASKS; i++) {
			CompletableFuture.supplyAsync(handler, executor).thenAccept(ThreadPoolSystem.SLEEP_FINISHED);
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	@Benchmark
	public Batch springAsync(SpringAsyncState state) throws InterruptedException {
		Batch batch = new Batch(TASKS);
		Sleep task = new Sleep(batch, BLOCK_MILLIS);
		SpringAsyncSystem.AsyncService service = state.system.service();
		for (int i = 0; i < TASKS; i++) {
			service.sleep(task).thenAccept(ThreadPoolSystem.SLEEP_FINISHED);
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	@State(Scope.Benchmark)
	public static class AsyncTaskState {

		@Param("8")
		public int workers;

		AsyncTaskSystem system;

		@Setup(Level.Trial)
		public void start() {
			this.system = AsyncTaskSystem.start(this.workers);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.system.close();
		}

	}

	@State(Scope.Benchmark)
	public static class ThreadPoolState {

		@Param("8")
		public int workers;

		ThreadPoolSystem system;

		@Setup(Level.Trial)
		public void start() {
			this.system = ThreadPoolSystem.start(this.workers);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.system.close();
		}

	}

	@State(Scope.Benchmark)
	public static class SpringAsyncState {

		@Param("8")
		public int workers;

		SpringAsyncSystem system;

		@Setup(Level.Trial)
		public void start() {
			this.system = SpringAsyncSystem.start(this.workers);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.system.close();
		}

	}

}
