package io.github.asynctask.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
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

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;

/**
 * Scenario 8: the Redis transport end to end on one node with the local Redis (127.0.0.1:6379, or
 * {@code ASYNC_TASK_REDIS_URL}): dispatch of a small payload -> the node's own consumer reads it from the stream ->
 * handler -> reply stream -> {@code @OnFinish}, from one producer thread; the score is tasks per second. Baseline,
 * through the same Redis and the same client (Lettuce via Spring Data Redis): a queue that moves one job at a time,
 * as BullMQ does (one round trip to add a job, one to take it, one to record its result, one to acknowledge it;
 * completions read by a listener), with as many worker threads as the node has task workers.
 */
@Scenario(id = "8", title = "Redis transport, end to end on one node, small payloads (tasks/s)",
		goals = { @Goal(baseline = "oneJobAtATime", minRatio = 5) })
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { Bench.XMS, Bench.XMX })
public class RedisThroughputBenchmark {

	static final int TASKS = 20_000;

	static final int JOBS = 2_000;

	/** The small payload: an order id and a line of text. */
	public record Ping(long order, String text) {
	}

	@Benchmark
	@OperationsPerInvocation(TASKS)
	public Batch asyncTaskRedis(RedisNodeState state) {
		Batch batch = new Batch(TASKS);
		PingHandlers.batch = batch;
		TaskTemplate template = state.template;
		for (int i = 0; i < TASKS; i++) {
			template.dispatch(new Ping(i, "ping"));
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	@Benchmark
	@OperationsPerInvocation(JOBS)
	public Batch oneJobAtATime(OneJobAtATimeState state) {
		Batch batch = new Batch(JOBS);
		state.queue.batch = batch;
		for (int i = 0; i < JOBS; i++) {
			state.queue.add(i);
		}
		batch.await(Bench.TIMEOUT);
		return batch;
	}

	static String host() {
		String url = System.getenv("ASYNC_TASK_REDIS_URL");
		return (url != null && !url.isBlank()) ? URI.create(url).getHost() : "127.0.0.1";
	}

	static int port() {
		String url = System.getenv("ASYNC_TASK_REDIS_URL");
		return (url != null && !url.isBlank() && URI.create(url).getPort() > 0) ? URI.create(url).getPort() : 6379;
	}

	/** A started connection factory to the benchmarks' Redis; destroy it after. */
	static LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(host(), port()));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** Deletes every key under the prefix, through a connection of its own. */
	static void deleteKeys(String prefix) {
		LettuceConnectionFactory factory = connectionFactory();
		try (RedisConnection connection = factory.getConnection()) {
			deleteKeys(connection, prefix);
		}
		finally {
			factory.destroy();
		}
	}

	static void deleteKeys(RedisConnection connection, String prefix) {
		List<byte[]> keys = new ArrayList<>();
		try (Cursor<byte[]> cursor = connection.keyCommands()
			.scan(ScanOptions.scanOptions().match(prefix + ":*").count(1000).build())) {
			cursor.forEachRemaining(keys::add);
		}
		if (!keys.isEmpty()) {
			connection.keyCommands().del(keys.toArray(new byte[0][]));
		}
	}

	/** One node: dispatches and consumes, {@code workers} task workers. */
	@State(Scope.Benchmark)
	public static class RedisNodeState {

		@Param("2")
		public int workers;

		/** {@code async-task.redis.batch-size}. */
		@Param("64")
		public int batchSize;

		ConfigurableApplicationContext context;

		TaskTemplate template;

		String prefix;

		@Setup(Level.Trial)
		public void start() {
			this.prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
			this.context = new SpringApplicationBuilder(RedisApp.class).web(WebApplicationType.NONE)
				.bannerMode(Banner.Mode.OFF)
				.logStartupInfo(false)
				.properties("logging.level.root=WARN", "async-task.transport=redis",
						"async-task.task-worker-num=" + this.workers, "async-task.redis.key-prefix=" + this.prefix,
						"async-task.redis.node-id=bench", "async-task.queue-capacity=" + TASKS,
						"async-task.redis.batch-size=" + this.batchSize,
						"spring.data.redis.host=" + host(), "spring.data.redis.port=" + port())
				.run();
			this.template = this.context.getBean(TaskTemplate.class);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.context.close(); // first: a running node would write its streams again
			deleteKeys(this.prefix);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class RedisApp {

		@Bean
		PingHandlers pingHandlers() {
			return new PingHandlers();
		}

	}

	/** The handler (runs on the consuming side) and the listener (runs on the dispatching side). */
	public static class PingHandlers {

		static volatile Batch batch = Batch.unbounded();

		@OnTask
		public long pong(Ping ping) {
			return ping.order();
		}

		@OnFinish("Ping")
		public void finished(Long order) {
			batch.finished();
		}

	}

	/** The baseline queue: its own connections from the same client, one job per round trip. */
	@State(Scope.Benchmark)
	public static class OneJobAtATimeState {

		@Param("2")
		public int workers;

		OneJobAtATimeQueue queue;

		@Setup(Level.Trial)
		public void start() {
			this.queue = new OneJobAtATimeQueue(this.workers);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.queue.close();
		}

	}

	/**
	 * A job queue on Redis Streams without batching or pipelining, one job at a time per worker: what BullMQ does per
	 * job (add; take; complete; acknowledge), each a round trip. A listener reads completions as they come.
	 */
	static final class OneJobAtATimeQueue implements AutoCloseable {

		private static final byte[] GROUP_FIELD = "job".getBytes(StandardCharsets.UTF_8);

		final String prefix = "bench-bull-" + UUID.randomUUID().toString().substring(0, 8);

		final byte[] jobs = (this.prefix + ":jobs").getBytes(StandardCharsets.UTF_8);

		final byte[] done = (this.prefix + ":done").getBytes(StandardCharsets.UTF_8);

		final LettuceConnectionFactory factory;

		final RedisConnection producer;

		final List<Thread> threads = new ArrayList<>();

		volatile boolean running = true;

		volatile Batch batch = Batch.unbounded();

		OneJobAtATimeQueue(int workers) {
			this.factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host(), port()));
			this.factory.afterPropertiesSet();
			this.factory.start();
			this.producer = this.factory.getConnection();
			this.producer.streamCommands().xGroupCreate(this.jobs, "workers", ReadOffset.from("0"), true);
			for (int i = 0; i < workers; i++) {
				String name = "worker-" + i;
				this.threads.add(start(name, () -> work(name)));
			}
			this.threads.add(start("listener", this::listen));
		}

		private Thread start(String name, Runnable loop) {
			Thread thread = new Thread(loop, "bull-" + name);
			thread.setDaemon(true);
			thread.start();
			return thread;
		}

		void add(long order) {
			this.producer.streamCommands()
				.xAdd(MapRecord.create(this.jobs, Map.of(GROUP_FIELD, Long.toString(order).getBytes())));
		}

		private void work(String name) {
			try (RedisConnection connection = this.factory.getConnection()) {
				Consumer consumer = Consumer.from("workers", name);
				while (this.running) {
					List<ByteRecord> taken = connection.streamCommands()
						.xReadGroup(consumer, StreamReadOptions.empty().count(1).block(Duration.ofMillis(100)),
								StreamOffset.create(this.jobs, ReadOffset.lastConsumed()));
					if (taken == null || taken.isEmpty()) {
						continue;
					}
					ByteRecord job = taken.get(0);
					connection.streamCommands().xAdd(MapRecord.create(this.done, job.getValue()));
					connection.streamCommands().xAck(this.jobs, "workers", job.getId());
					connection.streamCommands().xDel(this.jobs, job.getId());
				}
			}
		}

		private void listen() {
			try (RedisConnection connection = this.factory.getConnection()) {
				String last = "0-0";
				while (this.running) {
					List<ByteRecord> completed = connection.streamCommands()
						.xRead(StreamReadOptions.empty().count(100).block(Duration.ofMillis(100)),
								StreamOffset.create(this.done, ReadOffset.from(last)));
					if (completed == null) {
						continue;
					}
					for (ByteRecord record : completed) {
						last = record.getId().getValue();
						this.batch.finished();
					}
					if (!completed.isEmpty()) {
						connection.streamCommands().xTrim(this.done, 1000, true);
					}
				}
			}
		}

		@Override
		public void close() {
			this.running = false;
			for (Thread thread : this.threads) {
				try {
					thread.join(2000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			deleteKeys(this.producer, this.prefix);
			this.producer.close();
			this.factory.destroy();
		}

	}

}
