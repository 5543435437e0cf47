package io.github.asynctask.benchmarks;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.asynctask.benchmarks.Scenario.Goal;
import io.github.asynctask.benchmarks.support.AsyncTaskSystem;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.Block;
import io.github.asynctask.benchmarks.support.Noop;
import io.github.asynctask.benchmarks.support.SpringAsyncSystem;
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
 * Scenario 5: what the dispatching thread (a controller) pays for one dispatch while every worker is busy.
 * Before each iteration every worker is taken by a blocked task, so each measured call only enqueues; after
 * each iteration the workers are released, the queues drained and the heap collected, outside the
 * measurement. Queues are large enough never to fill within an iteration (async-task: {@code when-full:
 * reject}, so a full queue would fail the run rather than block).
 */
@Scenario(id = "5", title = "Dispatch call alone, every worker busy (latency of the call)",
		percentiles = { "50.0", "99.0" },
		goals = @Goal(metric = "99.0", maxValue = 1, unit = "us"))
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = { Bench.XMS, Bench.XMX, Bench.PRE_TOUCH })
public class DispatchWhileBusyBenchmark {

	/** Queue capacity per async-task worker: far more than one 200 ms iteration can enqueue. */
	static final int QUEUE_CAPACITY = 4_000_000;

	private static final Duration DRAIN = Duration.ofMinutes(2);

	@Benchmark
	public long asyncTask(AsyncTaskState state) {
		state.dispatched++;
		return state.system.template().dispatch(state.task);
	}

	@Benchmark
	public CompletableFuture<Void> threadPoolExecutor(ThreadPoolState state) {
		state.dispatched++;
		return CompletableFuture.supplyAsync(state.handler, state.system.executor())
			.thenAccept(ThreadPoolSystem.NOOP_FINISHED);
	}

	@Benchmark
	public CompletableFuture<Void> springAsync(SpringAsyncState state) {
		state.dispatched++;
		return state.system.service().noop(state.task).thenAccept(ThreadPoolSystem.NOOP_FINISHED);
	}

	/** Per iteration: a fresh finish counter and a fresh set of blocked workers. */
	@State(Scope.Benchmark)
	public abstract static class BusyWorkers {

		@Param("2")
		public int workers;

		Batch finishes;

		Noop task;

		long dispatched;

		Block.Gate gate;

		@Setup(Level.Iteration)
		public void busy() {
			this.finishes = Batch.unbounded();
			this.task = new Noop(this.finishes);
			this.dispatched = 0;
			this.gate = blockAllWorkers();
		}

		/** Occupies every worker with a blocked task; called once {@link #task} is fresh. */
		abstract Block.Gate blockAllWorkers();

		@TearDown(Level.Iteration)
		public void drain() {
			this.gate.release();
			this.finishes.awaitCount(this.dispatched, DRAIN);
			System.gc();
		}

	}

	@State(Scope.Benchmark)
	public static class AsyncTaskState extends BusyWorkers {

		AsyncTaskSystem system;

		@Setup(Level.Trial)
		public void start() {
			this.system = AsyncTaskSystem.start(this.workers, "async-task.queue-capacity=" + QUEUE_CAPACITY,
					"async-task.when-full=reject");
		}

		@Override
		Block.Gate blockAllWorkers() {
			return this.system.blockAllWorkers();
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.system.close();
		}

	}

	@State(Scope.Benchmark)
	public static class ThreadPoolState extends BusyWorkers {

		ThreadPoolSystem system;

		Supplier<Noop> handler;

		@Setup(Level.Trial)
		public void start() {
			this.system = ThreadPoolSystem.start(this.workers);
		}

		@Override
		Block.Gate blockAllWorkers() {
			Noop task = this.task;
			this.handler = () -> task;
			return this.system.blockAllWorkers();
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.system.close();
		}

	}

	@State(Scope.Benchmark)
	public static class SpringAsyncState extends BusyWorkers {

		SpringAsyncSystem system;

		@Setup(Level.Trial)
		public void start() {
			this.system = SpringAsyncSystem.start(this.workers);
		}

		@Override
		Block.Gate blockAllWorkers() {
			return this.system.blockAllWorkers();
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.system.close();
		}

	}

}
