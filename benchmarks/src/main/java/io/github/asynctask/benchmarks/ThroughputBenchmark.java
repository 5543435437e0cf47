package io.github.asynctask.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.benchmarks.Scenario.Goal;
import io.github.asynctask.benchmarks.support.AsyncTaskState;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.Noop;
import io.github.asynctask.benchmarks.support.SpringAsyncState;
import io.github.asynctask.benchmarks.support.SpringAsyncSystem;
import io.github.asynctask.benchmarks.support.ThreadPoolState;
import io.github.asynctask.benchmarks.support.ThreadPoolSystem;
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
 * Scenario 1: throughput of no-op tasks from one producer thread, measured from the first dispatch to the
 * last finish ({@code @OnFinish} / {@code thenAccept}). One invocation is a batch of {@link #TASKS} tasks; the
 * score is tasks per second.
 */
@Scenario(id = "1", title = "Throughput, no-op task, 1 producer (tasks/s)",
		goals = { @Goal(baseline = "threadPoolExecutor", minRatio = 1.2),
				@Goal(baseline = "springAsync", minRatio = 3) })
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ThroughputBenchmark.TASKS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { Bench.XMS, Bench.XMX, Bench.PRE_TOUCH })
public class ThroughputBenchmark {

	static final int TASKS = 100_000;

	@Benchmark
	public Batch asyncTask(AsyncTaskBatchState state) {
		return dispatchBatch(state.system.template());
	}

	/** The same with {@code dispatch-mode: shared-queue} (workers compete for one queue, like a thread pool). */
	@Benchmark
	public Batch asyncTaskSharedQueue(AsyncTaskSharedQueueState state) {
		return dispatchBatch(state.system.template());
	}

	@Benchmark
	public Batch threadPoolExecutor(ThreadPoolState state) {
		Batch batch = new Batch(TASKS);
		Noop task = new Noop(batch);
		Supplier<Noop> handler = () -> task;
		ThreadPoolExecutor executor = state.system.executor();
		for (int i = 0; i < TASKS; i++) {
			CompletableFuture.supplyAsync(handler, executor).thenAccept(ThreadPoolSystem.NOOP_FINISHED);
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	@Benchmark
	public Batch springAsync(SpringAsyncState state) {
		Batch batch = new Batch(TASKS);
		Noop task = new Noop(batch);
		SpringAsyncSystem.AsyncService service = state.system.service();
		for (int i = 0; i < TASKS; i++) {
			service.noop(task).thenAccept(ThreadPoolSystem.NOOP_FINISHED);
		}
		batch.await(Bench.TIMEOUT);
		return batch;
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

	/**
	 * async-task with {@code workers} task workers (idle-first) and a queue capacity that holds a whole batch,
	 * like the baselines' unbounded queues.
	 */
	@State(Scope.Benchmark)
	public static class AsyncTaskBatchState extends AsyncTaskState {

		@Override
		protected String[] properties() {
			return new String[] { "async-task.queue-capacity=" + TASKS };
		}

	}

	/** {@link AsyncTaskBatchState} with {@code dispatch-mode: shared-queue}. */
	@State(Scope.Benchmark)
	public static class AsyncTaskSharedQueueState extends AsyncTaskState {

		@Override
		protected String[] properties() {
			return new String[] { "async-task.queue-capacity=" + TASKS, "async-task.dispatch-mode=shared-queue" };
		}

	}

}
