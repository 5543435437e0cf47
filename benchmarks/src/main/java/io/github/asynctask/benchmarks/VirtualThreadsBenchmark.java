package io.github.asynctask.benchmarks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.benchmarks.support.AsyncTaskState;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.Sleep;
import io.github.asynctask.benchmarks.support.SpringAsyncVirtualSystem;
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
 * Scenario 8 (Java 21+; {@code run.sh} leaves it out on older JVMs): {@link #TASKS} tasks that each block
 * {@link #BLOCK_MILLIS} ms, async-task with {@code virtual-threads: true} on 2 workers (a virtual thread per task,
 * up to {@code worker-concurrency} = 100 per worker) against {@code @Async} on Spring's virtual-thread executor and
 * against {@code Executors.newVirtualThreadPerTaskExecutor()}; the score is the time from the first dispatch to the
 * last finish (the ideal, with every task at once, is {@link #BLOCK_MILLIS} ms; async-task's default cap of 2 x 100
 * at once makes its ideal 5 x 5 ms = 25 ms, so it is measured with {@code worker-concurrency: 500} too).
 */
@Scenario(id = "9", title = "1,000 tasks blocking 5 ms each on virtual threads, 2 workers (time for all)")
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { Bench.XMS, Bench.XMX, Bench.PRE_TOUCH })
public class VirtualThreadsBenchmark {

	static final int TASKS = 1_000;

	static final long BLOCK_MILLIS = 5;

	@Benchmark
	public Batch asyncTaskVirtualThreads(VirtualThreadsState state) {
		Batch batch = new Batch(TASKS);
		Sleep task = new Sleep(batch, BLOCK_MILLIS);
		TaskTemplate template = state.system.template();
		for (int i = 0; i < TASKS; i++) {
			template.dispatch(task);
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	/** The same with {@code worker-concurrency: 500}: every task at once, like the baselines. */
	@Benchmark
	public Batch asyncTaskVirtualThreadsAllAtOnce(AllAtOnceState state) {
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
	public Batch springAsyncVirtualThreads(SpringAsyncVirtualState state) throws InterruptedException {
		Batch batch = new Batch(TASKS);
		Sleep task = new Sleep(batch, BLOCK_MILLIS);
		SpringAsyncVirtualSystem.AsyncService service = state.system.service();
		for (int i = 0; i < TASKS; i++) {
			service.sleep(task).thenAccept(ThreadPoolSystem.SLEEP_FINISHED);
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	@Benchmark
	public Batch virtualThreadPerTaskExecutor(VirtualExecutorState state) {
		Batch batch = new Batch(TASKS);
		Sleep task = new Sleep(batch, BLOCK_MILLIS);
		Supplier<Sleep> handler = () -> ThreadPoolSystem.sleep(task);
		for (int i = 0; i < TASKS; i++) {
			CompletableFuture.supplyAsync(handler, state.executor).thenAccept(ThreadPoolSystem.SLEEP_FINISHED);
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	/** async-task, 2 workers, {@code virtual-threads: true}, default {@code worker-concurrency} (100). */
	@State(Scope.Benchmark)
	public static class VirtualThreadsState extends AsyncTaskState {

		@Override
		protected String[] properties() {
			return new String[] { "async-task.virtual-threads=true" };
		}

	}

	/** {@link VirtualThreadsState} with {@code worker-concurrency: 500}: 2 x 500 places for 1,000 tasks. */
	@State(Scope.Benchmark)
	public static class AllAtOnceState extends AsyncTaskState {

		@Override
		protected String[] properties() {
			return new String[] { "async-task.virtual-threads=true", "async-task.worker-concurrency=500" };
		}

	}

	@State(Scope.Benchmark)
	public static class SpringAsyncVirtualState {

		/** Not used (a virtual thread per call): there so that the report pairs it with the async-task runs. */
		@Param("2")
		public int workers;

		SpringAsyncVirtualSystem system;

		@Setup(Level.Trial)
		public void start() {
			this.system = SpringAsyncVirtualSystem.start();
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.system.close();
		}

	}

	@State(Scope.Benchmark)
	public static class VirtualExecutorState {

		/** Not used (a virtual thread per task): there so that the report pairs it with the async-task runs. */
		@Param("2")
		public int workers;

		ExecutorService executor;

		@Setup(Level.Trial)
		public void start() throws Throwable {
			// compiled for Java 17: reach the Java 21 factory method through a method handle
			this.executor = (ExecutorService) MethodHandles.publicLookup()
				.findStatic(Executors.class, "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class))
				.invokeExact();
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.executor.shutdownNow();
		}

	}

}
