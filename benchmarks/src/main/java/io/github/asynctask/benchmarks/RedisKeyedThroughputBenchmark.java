package io.github.asynctask.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
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

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Scenario 8k: keyed tasks ({@code withKey}) through the Redis transport, 1,000 keys, over one and two worker nodes,
 * beside the same tasks unkeyed, in the same run. A dispatch-only node (one producer thread) dispatches small
 * payloads; the worker nodes (2 task workers each, all in this JVM, on the local Redis) run them; the outcomes come
 * back to the dispatching node's {@code @OnFinish}. The score is tasks per second, end to end. Keyed tasks go to 16
 * partition streams, each read by one node under its lease, and a key's next task starts only after the previous
 * one is acknowledged; unkeyed tasks share one stream read by every node.
 */
@Scenario(id = "8k", title = "Redis transport, keyed (1,000 keys) vs unkeyed, over 1 and 2 worker nodes (tasks/s)")
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(value = 1, jvmArgsAppend = { Bench.XMS, Bench.XMX })
public class RedisKeyedThroughputBenchmark {

	static final int TASKS = 5_000;

	static final int KEYS = 1_000;

	/** The small payload: an order id and a line of text. */
	public record Order(long order, String text) {
	}

	@Benchmark
	@OperationsPerInvocation(TASKS)
	public Batch asyncTaskKeyed(Nodes nodes) {
		Batch batch = new Batch(TASKS);
		OrderHandlers.batch = batch;
		for (int i = 0; i < TASKS; i++) {
			nodes.keyed[i % KEYS].dispatch(new Order(i, "order"));
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	@Benchmark
	@OperationsPerInvocation(TASKS)
	public Batch unkeyed(Nodes nodes) {
		Batch batch = new Batch(TASKS);
		OrderHandlers.batch = batch;
		for (int i = 0; i < TASKS; i++) {
			nodes.template.dispatch(new Order(i, "order"));
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	/** One dispatching node and {@code workerNodes} worker nodes on one key prefix. */
	@State(Scope.Benchmark)
	public static class Nodes {

		@Param({ "1", "2" })
		public int workerNodes;

		final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

		TaskTemplate template;

		/** One view per key, made once: {@code withKey} views are immutable. */
		final TaskTemplate[] keyed = new TaskTemplate[KEYS];

		String prefix;

		@Setup(Level.Trial)
		public void start() {
			this.prefix = "bench-keyed-" + UUID.randomUUID().toString().substring(0, 8);
			ConfigurableApplicationContext origin = node("origin", "async-task.redis.consume=false");
			for (int i = 1; i <= this.workerNodes; i++) {
				node("worker-" + i, "async-task.redis.consume=true");
			}
			this.template = origin.getBean(TaskTemplate.class);
			for (int k = 0; k < KEYS; k++) {
				this.keyed[k] = this.template.withKey("customer-" + k);
			}
		}

		private ConfigurableApplicationContext node(String id, String consume) {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(KeyedApp.class)
				.web(WebApplicationType.NONE)
				.bannerMode(Banner.Mode.OFF)
				.logStartupInfo(false)
				.properties("logging.level.root=WARN", "async-task.transport=redis", consume,
						"async-task.task-worker-num=2", "async-task.redis.key-prefix=" + this.prefix,
						"async-task.redis.node-id=" + id, "async-task.queue-capacity=" + TASKS,
						"async-task.redis.claim-idle=2s", "spring.data.redis.host=" + RedisThroughputBenchmark.host(),
						"spring.data.redis.port=" + RedisThroughputBenchmark.port())
				.run();
			this.contexts.add(context);
			return context;
		}

		@TearDown(Level.Trial)
		public void stop() {
			for (ConfigurableApplicationContext context : this.contexts) {
				context.close();
			}
			RedisThroughputBenchmark.deleteKeys(this.prefix);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class KeyedApp {

		@Bean
		OrderHandlers orderHandlers() {
			return new OrderHandlers();
		}

	}

	/** The handler (runs on a worker node) and the listener (runs on the dispatching node). */
	public static class OrderHandlers {

		static volatile Batch batch = Batch.unbounded();

		@OnTask
		public long handle(Order order) {
			return order.order();
		}

		@OnFinish("Order")
		public void finished(Long order) {
			batch.finished();
		}

	}

}
