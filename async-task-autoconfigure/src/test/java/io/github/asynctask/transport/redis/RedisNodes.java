package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Nodes of one cluster for the tests: each a Spring Boot application context of its own (same handlers, distinct
 * node id) on the test Redis, under a key prefix no other test uses. Closing it closes every node and deletes the
 * prefix's keys.
 */
final class RedisNodes implements AutoCloseable {

	/** What ran where, over every node of this JVM, by node id then payload label. */
	static final Map<String, List<String>> RUNS = new ConcurrentHashMap<>();

	/** Attempts seen by handlers, by payload label. */
	static final Map<String, List<Integer>> ATTEMPTS = new ConcurrentHashMap<>();

	/** Runs of {@link Tick} (cheap enough for a soak), by node id. */
	static final Map<String, LongAdder> TICKS = new ConcurrentHashMap<>();

	final String prefix;

	private final String[] redis;

	private final boolean sharedRedis;

	private final List<ConfigurableApplicationContext> nodes = new CopyOnWriteArrayList<>();

	RedisNodes(String test) {
		this(RedisTestServer.uniquePrefix(test), RedisTestServer.get().springProperties(), true);
	}

	private RedisNodes(String prefix, String[] redis, boolean sharedRedis) {
		this.prefix = prefix;
		this.redis = redis;
		this.sharedRedis = sharedRedis;
	}

	/** Nodes on a Redis Cluster of the test's own, with the default key prefix. */
	static RedisNodes onCluster(RedisClusterTestServer cluster) {
		return new RedisNodes("async-task", cluster.springProperties(), false);
	}

	/** Nodes on a Redis of the test's own, under a key prefix of the test's. */
	static RedisNodes onServer(RedisOwnServer server, String test) {
		return new RedisNodes(RedisTestServer.uniquePrefix(test), server.springProperties(), false);
	}

	/** Nodes on a Redis of the test's own (e.g. one it stops and starts again). */
	static RedisNodes onRedis(String test, String host, int port) {
		return new RedisNodes(RedisTestServer.uniquePrefix(test),
				new String[] { "spring.data.redis.host=" + host, "spring.data.redis.port=" + port }, false);
	}

	/** Starts a node; extra properties as {@code key=value}. */
	ConfigurableApplicationContext start(String nodeId, String... properties) {
		List<String> all = new ArrayList<>(List.of(this.redis));
		all.add("async-task.transport=redis");
		all.add("async-task.redis.key-prefix=" + this.prefix);
		all.add("async-task.redis.node-id=" + nodeId);
		all.add("async-task.task-worker-num=2");
		all.add("async-task.shutdown-timeout=5s");
		all.add("spring.main.banner-mode=off");
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeApplication.class)
			.web(WebApplicationType.NONE)
			.properties(all.toArray(new String[0]))
			.run();
		this.nodes.add(context);
		return context;
	}

	static TaskTemplate template(ConfigurableApplicationContext node) {
		return node.getBean(TaskTemplate.class);
	}

	static Finished finished(ConfigurableApplicationContext node) {
		return node.getBean(Finished.class);
	}

	static RedisTransport transport(ConfigurableApplicationContext node) {
		return node.getBean(RedisTransport.class);
	}

	static List<String> runsOn(String nodeId) {
		return RUNS.getOrDefault(nodeId, List.of());
	}

	static int runsOf(String label) {
		int runs = 0;
		for (List<String> labels : RUNS.values()) {
			for (String run : labels) {
				if (run.equals(label)) {
					runs++;
				}
			}
		}
		return runs;
	}

	void stop(ConfigurableApplicationContext node) {
		node.close();
		this.nodes.remove(node);
	}

	@Override
	public void close() {
		for (ConfigurableApplicationContext node : this.nodes) {
			node.close();
		}
		this.nodes.clear();
		if (!this.sharedRedis) {
			return; // the test's own Redis goes with its keys
		}
		LettuceConnectionFactory factory = RedisTestServer.get().connectionFactory();
		try (RedisConnection connection = factory.getConnection()) {
			RedisTestSupport.deleteKeys(connection, this.prefix);
		}
		finally {
			factory.destroy();
		}
	}

	record Echo(String text) {
	}

	record Boom(String message) {
	}

	/** Sleeps {@code millis} (playing work), then returns its label. */
	record Work(String label, long millis) {
	}

	record Receipt(String text, String node, int attempt) {
	}

	/** Counts its run in {@link #TICKS} (nothing else: a soak runs it hundreds of thousands of times). */
	record Tick(long n) {
	}

	/** Counts its run in Redis (so runs are seen across JVMs), sleeps {@code millis}, returns its attempt. */
	record Job(String label, long millis) {
	}

	/** Fails its first attempt; a later one sleeps {@code millis} and returns its label. */
	record Flaky(String label, long millis) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ Handlers.class, Finished.class, KeyedHandlers.class })
	static class NodeApplication {

	}

	@Component
	static class Handlers {

		private final String node;

		private final String prefix;

		private final StringRedisTemplate redis;

		Handlers(@Value("${async-task.redis.node-id}") String node,
				@Value("${async-task.redis.key-prefix}") String prefix, StringRedisTemplate redis) {
			this.node = node;
			this.prefix = prefix;
			this.redis = redis;
		}

		@OnTask
		int job(Job job, TaskContext context) throws InterruptedException {
			this.redis.opsForHash().increment(this.prefix + ":test:runs", job.label(), 1);
			this.redis.opsForHash().increment(this.prefix + ":test:runs-by-node", this.node, 1);
			Thread.sleep(job.millis()); // the task's own work
			return context.attempt();
		}

		@OnTask
		long tick(Tick tick) {
			TICKS.computeIfAbsent(this.node, (key) -> new LongAdder()).increment();
			return tick.n();
		}

		@OnTask
		Receipt echo(Echo echo, TaskContext context) {
			record(echo.text(), context);
			return new Receipt(echo.text(), this.node, context.attempt());
		}

		@OnTask
		String boom(Boom boom, TaskContext context) {
			record(boom.message(), context);
			throw new IllegalStateException(boom.message());
		}

		@OnTask
		String work(Work work, TaskContext context) throws InterruptedException {
			record(work.label(), context);
			Thread.sleep(work.millis()); // the task's own work, not a wait of the test
			return work.label();
		}

		@OnTask
		String flaky(Flaky flaky, TaskContext context) throws InterruptedException {
			record(flaky.label(), context);
			if (context.attempt() == 1) {
				throw new IllegalStateException("first attempt of " + flaky.label() + " fails");
			}
			Thread.sleep(flaky.millis()); // the task's own work
			return flaky.label();
		}

		private void record(String label, TaskContext context) {
			RUNS.computeIfAbsent(this.node, (key) -> new CopyOnWriteArrayList<>()).add(label);
			ATTEMPTS.computeIfAbsent(label, (key) -> new CopyOnWriteArrayList<>()).add(context.attempt());
		}

	}

	/** The @OnFinish listeners of a node: what reached them there. */
	@Component
	static class Finished {

		final List<Receipt> receipts = new CopyOnWriteArrayList<>();

		final List<TaskResult<?>> outcomes = new CopyOnWriteArrayList<>();

		final AtomicInteger count = new AtomicInteger();

		@OnFinish
		void receipt(Receipt receipt) {
			this.receipts.add(receipt);
		}

		@OnFinish({ "Boom", "Work" })
		void outcome(TaskResult<?> result) {
			this.outcomes.add(result);
			this.count.incrementAndGet();
		}

	}

}
