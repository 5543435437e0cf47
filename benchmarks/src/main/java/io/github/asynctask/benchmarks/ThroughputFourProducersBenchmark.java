package io.github.asynctask.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.benchmarks.ThroughputBenchmark.AsyncTaskBatchState;
import io.github.asynctask.benchmarks.ThroughputBenchmark.AsyncTaskSharedQueueState;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.Noop;
import io.github.asynctask.benchmarks.support.ProducerPool;
import io.github.asynctask.benchmarks.support.SpringAsyncState;
import io.github.asynctask.benchmarks.support.SpringAsyncSystem;
import io.github.asynctask.benchmarks.support.ThreadPoolState;
import io.github.asynctask.benchmarks.support.ThreadPoolSystem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario 2: {@link ThroughputBenchmark} with {@code producers} dedicated producer threads dispatching
 * concurrently, each {@code TASKS / producers} tasks of one batch; measured from the first dispatch to the last
 * finish.
 */
@Scenario(id = "2", title = "Throughput, no-op task, 4 producers (tasks/s)")
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ThroughputFourProducersBenchmark.TASKS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { Bench.XMS, Bench.XMX, Bench.PRE_TOUCH })
public class ThroughputFourProducersBenchmark {

	static final int TASKS = ThroughputBenchmark.TASKS;

	@Benchmark
	public Batch asyncTask(AsyncTaskBatchState state, Producers producers) {
		return dispatchBatch(state.system.template(), producers);
	}

	/** The same with {@code dispatch-mode: shared-queue} (workers compete for one queue, like a thread pool). */
	@Benchmark
	public Batch asyncTaskSharedQueue(AsyncTaskSharedQueueState state, Producers producers) {
		return dispatchBatch(state.system.template(), producers);
	}

	@Benchmark
	public Batch threadPoolExecutor(ThreadPoolState state, Producers producers) {
		Batch batch = new Batch(TASKS);
		Noop task = new Noop(batch);
		Supplier<Noop> handler = () -> task;
		ThreadPoolExecutor executor = state.system.executor();
		int perProducer = TASKS / producers.size();
		producers.runOnEach(() -> {
			for (int i = 0; i < perProducer; i++) {
				CompletableFuture.supplyAsync(handler, executor).thenAccept(ThreadPoolSystem.NOOP_FINISHED);
			}
		});
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	@Benchmark
	public Batch springAsync(SpringAsyncState state, Producers producers) {
		Batch batch = new Batch(TASKS);
		Noop task = new Noop(batch);
		SpringAsyncSystem.AsyncService service = state.system.service();
		int perProducer = TASKS / producers.size();
		producers.runOnEach(() -> {
			for (int i = 0; i < perProducer; i++) {
				service.noop(task).thenAccept(ThreadPoolSystem.NOOP_FINISHED);
			}
		});
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	private static Batch dispatchBatch(TaskTemplate template, Producers producers) {
		Batch batch = new Batch(TASKS);
		Noop task = new Noop(batch);
		int perProducer = TASKS / producers.size();
		producers.runOnEach(() -> {
			for (int i = 0; i < perProducer; i++) {
				template.dispatch(task);
			}
		});
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	/** The producer threads; {@code TASKS} must divide by their number. */
	@State(Scope.Benchmark)
	public static class Producers {

		@Param("4")
		public int producers;

		ProducerPool pool;

		@Setup(Level.Trial)
		public void start() {
			if (TASKS % this.producers != 0) {
				throw new IllegalArgumentException(TASKS + " tasks do not divide among " + this.producers + " producers");
			}
			this.pool = new ProducerPool(this.producers);
		}

		int size() {
			return this.pool.size();
		}

		void runOnEach(Runnable job) {
			this.pool.runOnEach(job);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.pool.close();
		}

	}

}
