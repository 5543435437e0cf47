package io.github.asynctask.actuate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.transport.redis.RedisTestServer;
import io.github.asynctask.transport.redis.RedisTestSupport;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.MediaType;
import org.springframework.util.StreamUtils;
import org.springframework.web.client.RestClient;

import static org.awaitility.Awaitility.await;

/**
 * A small cluster on the test Redis, under a key prefix of its own, with dead letters made the honest way: a web
 * node that only dispatches ({@code web}, its endpoint's write access on, the dashboard on), a web node with the
 * endpoint's default access ({@code readOnly}), and a worker node started only after a consumer ({@code ghost}) read
 * the dispatched entries and died holding them. With {@code max-deliveries=1} the worker takes them over after
 * {@code claim-idle}, sees their second delivery, and dead-letters them; their dispatcher gets {@code FAILED}.
 */
public final class ClusterFixture implements AutoCloseable {

	/** Runs of {@link Job}s by label, over every node of this JVM. */
	public static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

	public static final String GROUP = "async-task";

	public final String prefix;

	public final ConfigurableApplicationContext web;

	public final ConfigurableApplicationContext readOnly;

	public final ConfigurableApplicationContext worker;

	/** The dispatches of the dead-lettered jobs, by label: each ends FAILED. */
	public final Map<String, CompletableFuture<?>> deadLettered = new ConcurrentHashMap<>();

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private final LettuceConnectionFactory factory = RedisTestServer.get().connectionFactory();

	/**
	 * Starts the cluster; each label becomes one dead letter of task {@code Job}.
	 */
	public ClusterFixture(String test, String... deadLabels) {
		this.prefix = RedisTestServer.uniquePrefix(test);
		String taskKey = this.prefix + ":task:Job";
		try (RedisConnection connection = connection()) {
			connection.streamCommands().xGroupCreate(taskKey.getBytes(StandardCharsets.UTF_8), GROUP,
					ReadOffset.from("0"), true);
		}
		this.web = start("web", WebApplicationType.SERVLET, "async-task.redis.consume=false",
				"management.endpoint.asynctask.access=unrestricted", "async-task.dashboard.enabled=true");
		this.readOnly = start("read-only", WebApplicationType.SERVLET, "async-task.redis.consume=false",
				"async-task.dashboard.enabled=true");
		TaskTemplate template = this.web.getBean(TaskTemplate.class);
		for (String label : deadLabels) {
			this.deadLettered.put(label, template.submit(new Job(label)));
		}
		// the ghost reads them and dies holding them
		try (RedisConnection connection = connection()) {
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				Long length = connection.streamCommands().xLen(taskKey.getBytes(StandardCharsets.UTF_8));
				return length != null && length >= deadLabels.length;
			});
			connection.streamCommands().xReadGroup(Consumer.from(GROUP, "ghost"),
					StreamReadOptions.empty().count(deadLabels.length),
					StreamOffset.create(taskKey.getBytes(StandardCharsets.UTF_8), ReadOffset.lastConsumed()));
		}
		this.worker = start("worker", WebApplicationType.NONE, "async-task.redis.max-deliveries=1",
				"async-task.redis.claim-idle=300ms");
	}

	private ConfigurableApplicationContext start(String nodeId, WebApplicationType type, String... properties) {
		List<String> all = new ArrayList<>(List.of(RedisTestServer.get().springProperties()));
		all.addAll(List.of("async-task.transport=redis", "async-task.redis.key-prefix=" + this.prefix,
				"async-task.redis.node-id=" + nodeId, "async-task.task-worker-num=2",
				"async-task.shutdown-timeout=5s", "spring.main.banner-mode=off", "server.port=0",
				"management.endpoints.web.exposure.include=asynctask,health",
				"management.endpoint.health.show-details=always", "spring.web.error.include-message=always", "server.error.include-message=always"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeApplication.class).web(type)
			.properties(all.toArray(new String[0]))
			.run();
		this.nodes.add(context);
		return context;
	}

	public RedisConnection connection() {
		return this.factory.getConnection();
	}

	/** The dead-letter stream's entry ids of a label, read from Redis. */
	public List<String> deadLetterIds(String label) {
		try (RedisConnection connection = connection()) {
			return connection.streamCommands()
				.xRange((this.prefix + ":dead:Job").getBytes(StandardCharsets.UTF_8), Range.unbounded(),
						Limit.unlimited())
				.stream()
				.filter((record) -> record.getValue().values().stream()
					.anyMatch((value) -> new String(value, StandardCharsets.UTF_8).contains(label)))
				.map((record) -> record.getId().getValue())
				.toList();
		}
	}

	public static int runs(String label) {
		AtomicInteger runs = RUNS.get(label);
		return (runs != null) ? runs.get() : 0;
	}

	public static int port(ConfigurableApplicationContext node) {
		return ((WebServerApplicationContext) node).getWebServer().getPort();
	}

	public static Response get(ConfigurableApplicationContext node, String path) {
		return RestClient.create("http://localhost:" + port(node))
			.get()
			.uri(path)
			.exchange((request, response) -> new Response(response.getStatusCode().value(),
					StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8)));
	}

	public static Response post(ConfigurableApplicationContext node, String path, String json) {
		return RestClient.create("http://localhost:" + port(node))
			.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.body(json)
			.exchange((request, response) -> new Response(response.getStatusCode().value(),
					StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8)));
	}

	@Override
	public void close() throws IOException {
		for (ConfigurableApplicationContext node : this.nodes) {
			node.close();
		}
		try (RedisConnection connection = connection()) {
			RedisTestSupport.deleteKeys(connection, this.prefix);
		}
		finally {
			this.factory.destroy();
		}
	}

	public record Response(int status, String body) {
	}

	public record Job(String label) {
	}

	public static class Handlers {

		@OnTask
		String job(Job job) {
			RUNS.computeIfAbsent(job.label(), (label) -> new AtomicInteger()).incrementAndGet();
			return "done " + job.label();
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Handlers.class)
	public static class NodeApplication {

	}

}
