package io.github.asynctask.benchmarks;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.benchmarks.RedisThroughputBenchmark.OneJobAtATimeState;
import io.github.asynctask.benchmarks.RedisThroughputBenchmark.Ping;
import io.github.asynctask.benchmarks.Scenario.Goal;
import io.github.asynctask.benchmarks.support.Batch;
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

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Scenario 8b: the Redis transport end to end in the shape of a real deployment, through the local Redis
 * (127.0.0.1:6379, or {@code ASYNC_TASK_REDIS_URL}): a dispatch-only node ({@code redis.consume=false}) and a worker
 * node with {@code workers} task workers. Small payload: dispatch on the origin -> task stream -> the worker node's
 * reader -> handler -> reply stream -> {@code @OnFinish} on the origin, from one producer thread; the score is tasks
 * per second. The two nodes are two Spring application contexts in this one JVM, each with its own connection
 * factory (so its own connections) and its own threads; they share only the JVM (heap, JIT, GC). Baseline in the same
 * run, through the same Redis: scenario 8's queue that moves one job at a time (BullMQ-style; a round trip each to
 * add, take, complete and acknowledge a job), with as many worker threads.
 */
@Scenario(id = "8b", title = "Redis transport, dispatch-only node + worker node, small payloads (tasks/s)",
		goals = { @Goal(baseline = "oneJobAtATime", minRatio = 3) })
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = { Bench.XMS, Bench.XMX })
public class RedisTwoNodesBenchmark {

	static final int TASKS = 20_000;

	@Benchmark
	@OperationsPerInvocation(TASKS)
	public Batch asyncTaskRedisTwoNodes(TwoNodesState state) {
		return run(state.origin.getBean(TaskTemplate.class), TASKS);
	}

	@Benchmark
	@OperationsPerInvocation(RedisThroughputBenchmark.JOBS)
	public Batch oneJobAtATime(OneJobAtATimeState state) {
		Batch batch = new Batch(RedisThroughputBenchmark.JOBS);
		state.queue.batch = batch;
		for (int i = 0; i < RedisThroughputBenchmark.JOBS; i++) {
			state.queue.add(i);
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	/** Dispatches {@code tasks} pings from the calling thread and waits for the last {@code @OnFinish}. */
	static Batch run(TaskTemplate origin, int tasks) {
		Batch batch = new Batch(tasks);
		OriginHandlers.batch = batch;
		for (int i = 0; i < tasks; i++) {
			origin.dispatch(new Ping(i, "ping"));
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	/** The two nodes: contexts of their own, sharing a fresh key prefix. */
	@State(Scope.Benchmark)
	public static class TwoNodesState {

		/** Task workers of the worker node (the origin has as many, to deliver outcomes). */
		@Param("2")
		public int workers;

		/** {@code async-task.redis.batch-size} of both nodes. */
		@Param("64")
		public int batchSize;

		ConfigurableApplicationContext worker;

		ConfigurableApplicationContext origin;

		String prefix;

		@Setup(Level.Trial)
		public void start() {
			this.prefix = "bench2-" + UUID.randomUUID().toString().substring(0, 8);
			this.worker = node("worker", true);
			this.origin = node("origin", false);
		}

		private ConfigurableApplicationContext node(String id, boolean consume) {
			return new SpringApplicationBuilder(NodeApp.class).web(WebApplicationType.NONE)
				.bannerMode(Banner.Mode.OFF)
				.logStartupInfo(false)
				.properties("logging.level.root=WARN", "async-task.transport=redis",
						"async-task.task-worker-num=" + this.workers, "async-task.redis.key-prefix=" + this.prefix,
						"async-task.redis.node-id=bench-" + id, "async-task.redis.consume=" + consume,
						"async-task.queue-capacity=" + TASKS, "async-task.redis.batch-size=" + this.batchSize,
						"spring.data.redis.host=" + RedisThroughputBenchmark.host(),
						"spring.data.redis.port=" + RedisThroughputBenchmark.port())
				.run();
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.origin.close();
			this.worker.close(); // before the clean-up: a running node would write its streams again
			cleanUp();
		}

		private void cleanUp() {
			RedisThroughputBenchmark.deleteKeys(this.prefix);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class NodeApp {

		@Bean
		OriginHandlers pingHandlers(@Value("${async-task.redis.consume}") boolean consume) {
			return new OriginHandlers(!consume);
		}

	}

	/**
	 * Both nodes declare the task (each node knows every task's types); the handler runs on the worker node, the
	 * listener counts on the origin only.
	 */
	public static class OriginHandlers {

		static volatile Batch batch = Batch.unbounded();

		private final boolean origin;

		OriginHandlers(boolean origin) {
			this.origin = origin;
		}

		@OnTask
		public long pong(Ping ping) {
			return ping.order();
		}

		@OnFinish("Ping")
		public void finished(Long order) {
			if (this.origin) {
				batch.finished();
			}
		}

	}

}
