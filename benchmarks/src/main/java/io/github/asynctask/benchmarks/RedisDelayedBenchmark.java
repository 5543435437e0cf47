package io.github.asynctask.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.benchmarks.RedisThroughputBenchmark.Ping;
import io.github.asynctask.benchmarks.RedisThroughputBenchmark.RedisApp;
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
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Scenario 14: delayed tasks in redis mode (the local Redis, as scenario 8).
 * <ul>
 * <li>{@code asyncTaskMoveDue}: the moving rate, due tasks per second moved from the delayed set to the stream by
 * the movers of {@code movers} consuming nodes (one JVM, 1 or 3 application contexts): {@value #DUE} entries are put
 * into the set at once, already due ({@code RENAME} of a set filled beforehand, then the wake-up a dispatch sends),
 * and the invocation ends when the set is empty. The nodes read and run what is moved meanwhile, as they would.</li>
 * <li>{@code asyncTaskDelayedDispatch} beside {@code dispatchNow}: the dispatch call alone on a dispatch-only node,
 * {@code after(1h)} (into the delayed set, by a script in the writer's pipeline) against an immediate dispatch (into
 * the stream), same run; the keys are deleted after each iteration.</li>
 * </ul>
 */
@Scenario(id = "14", title = "Redis mode: due tasks moved per second; delayed dispatch call beside an immediate one",
		percentiles = { "50.0", "99.0" })
@Fork(value = 1, jvmArgsAppend = { Bench.XMS, Bench.XMX })
public class RedisDelayedBenchmark {

	static final int DUE = 10_000;

	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	@Warmup(iterations = 2, time = 2)
	@Measurement(iterations = 5, time = 2)
	@OperationsPerInvocation(DUE)
	public long asyncTaskMoveDue(MoverState state) {
		try (RedisConnection connection = state.factory.getConnection()) {
			connection.keyCommands().rename(state.filled, state.delayed);
			connection.publish(state.channel, "Ping".getBytes(StandardCharsets.UTF_8));
			long deadline = System.nanoTime() + Bench.TIMEOUT.toNanos();
			while (connection.zSetCommands().zCard(state.delayed) > 0) {
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("the movers did not move " + DUE + " due tasks within " + Bench.TIMEOUT);
				}
				LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
			}
		}
		return DUE;
	}

	@Benchmark
	@BenchmarkMode(Mode.SampleTime)
	@OutputTimeUnit(TimeUnit.NANOSECONDS)
	@Warmup(iterations = 3, time = 200, timeUnit = TimeUnit.MILLISECONDS)
	@Measurement(iterations = 8, time = 200, timeUnit = TimeUnit.MILLISECONDS)
	public long asyncTaskDelayedDispatch(DispatchState state) {
		return state.later.dispatch(state.ping);
	}

	/** The baseline: an immediate dispatch on the same kind of node, into the stream. */
	@Benchmark
	@BenchmarkMode(Mode.SampleTime)
	@OutputTimeUnit(TimeUnit.NANOSECONDS)
	@Warmup(iterations = 3, time = 200, timeUnit = TimeUnit.MILLISECONDS)
	@Measurement(iterations = 8, time = 200, timeUnit = TimeUnit.MILLISECONDS)
	public long dispatchNow(DispatchState state) {
		return state.now.dispatch(state.ping);
	}

	static LettuceConnectionFactory factory() {
		return RedisThroughputBenchmark.connectionFactory();
	}

	static ConfigurableApplicationContext node(String prefix, String id, String... extra) {
		List<String> properties = new ArrayList<>(List.of("logging.level.root=WARN", "async-task.transport=redis",
				"async-task.task-worker-num=2", "async-task.redis.key-prefix=" + prefix,
				"async-task.redis.node-id=" + id, "async-task.queue-capacity=" + DUE,
				"spring.data.redis.host=" + RedisThroughputBenchmark.host(),
				"spring.data.redis.port=" + RedisThroughputBenchmark.port()));
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(RedisApp.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(properties.toArray(new String[0]))
			.run();
	}

	/** {@code movers} consuming nodes, and a set of due entries filled before each invocation. */
	@State(Scope.Benchmark)
	public static class MoverState {

		@Param({ "1", "3" })
		public int movers;

		final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

		LettuceConnectionFactory factory;

		String prefix;

		byte[] stream;

		byte[] delayed;

		byte[] filled;

		byte[] channel;

		@Setup(Level.Trial)
		public void start() {
			this.prefix = "bench-delayed-" + UUID.randomUUID().toString().substring(0, 8);
			String streamKey = this.prefix + ":task:Ping";
			this.stream = bytes(streamKey);
			this.delayed = bytes(this.prefix + ":delayed:{" + streamKey + "}");
			this.filled = bytes(this.prefix + ":bench-filled");
			this.channel = bytes(this.prefix + ":delayed-due");
			this.factory = factory();
			for (int i = 0; i < this.movers; i++) {
				this.nodes.add(node(this.prefix, "mover-" + i));
			}
		}

		/** A set of {@value #DUE} entries due a second ago, under another key; the stream drained first. */
		@Setup(Level.Invocation)
		public void fill() {
			try (RedisConnection connection = this.factory.getConnection()) {
				long deadline = System.nanoTime() + Bench.TIMEOUT.toNanos();
				while (connection.streamCommands().xLen(this.stream) > 0 && System.nanoTime() - deadline < 0) {
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
				}
				long due = System.currentTimeMillis() - 1000;
				connection.openPipeline();
				for (int i = 0; i < DUE; i++) {
					connection.zSetCommands().zAdd(this.filled, due, member(i));
				}
				connection.closePipeline();
			}
		}

		private static byte[] member(int i) {
			ByteArrayOutputStream out = new ByteArrayOutputStream(96);
			for (String text : List.of("o", "bench-origin", "g", "1", "i", Integer.toString(i), "p",
					"{\"order\":" + i + ",\"text\":\"ping\"}")) {
				byte[] bytes = bytes(text);
				out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
				out.write(':');
				out.writeBytes(bytes);
			}
			return out.toByteArray();
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.nodes.forEach(ConfigurableApplicationContext::close);
			try (RedisConnection connection = this.factory.getConnection()) {
				RedisThroughputBenchmark.deleteKeys(connection, this.prefix);
			}
			finally {
				this.factory.destroy();
			}
		}

	}

	/** A dispatch-only node; its keys deleted after each iteration. */
	@State(Scope.Benchmark)
	public static class DispatchState {

		ConfigurableApplicationContext node;

		LettuceConnectionFactory factory;

		String prefix;

		TaskTemplate now;

		TaskTemplate later;

		Ping ping = new Ping(7, "ping");

		@Setup(Level.Trial)
		public void start() {
			this.prefix = "bench-delayed-dispatch-" + UUID.randomUUID().toString().substring(0, 8);
			this.factory = factory();
			this.node = node(this.prefix, "web", "async-task.redis.consume=false", "async-task.when-full=block",
					"async-task.block-timeout=1m");
			this.now = this.node.getBean(TaskTemplate.class);
			this.later = this.now.after(Duration.ofHours(1));
		}

		/** Deletes what the iteration dispatched (the node's own keys stay). */
		@TearDown(Level.Iteration)
		public void clean() {
			String stream = this.prefix + ":task:Ping";
			try (RedisConnection connection = this.factory.getConnection()) {
				connection.keyCommands().del(bytes(stream), bytes(this.prefix + ":delayed:{" + stream + "}"));
			}
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.node.close();
			try (RedisConnection connection = this.factory.getConnection()) {
				RedisThroughputBenchmark.deleteKeys(connection, this.prefix);
			}
			finally {
				this.factory.destroy();
			}
		}

	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
