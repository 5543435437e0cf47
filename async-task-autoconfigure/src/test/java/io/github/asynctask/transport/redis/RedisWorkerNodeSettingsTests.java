package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnTask;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node that runs what it reads from Redis runs it on the worker pool built from its real settings: here
 * {@code max-backoff} caps a handler's 30s backoff, so its retry comes at once. (Built with default settings, the
 * retry would wait about 30s.)
 */
class RedisWorkerNodeSettingsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Test
	void theWorkerPoolOfARedisNodeUsesTheConfiguredExecutionControl() {
		String prefix = RedisTestServer.uniquePrefix("settings");
		List<String> properties = new ArrayList<>(List.of(RedisTestServer.get().springProperties()));
		properties.addAll(List.of("async-task.transport=redis", "async-task.redis.key-prefix=" + prefix,
				"async-task.redis.node-id=settings-" + System.nanoTime(), "async-task.task-worker-num=1",
				"async-task.max-backoff=50ms", "async-task.shutdown-timeout=2s", "spring.main.banner-mode=off"));
		try (ConfigurableApplicationContext node = new SpringApplicationBuilder(Node.class)
			.web(WebApplicationType.NONE)
			.properties(properties.toArray(new String[0]))
			.run()) {
			String result = node.getBean(TaskTemplate.class).dispatchAndWait(new Flaky("f"), WAIT);
			assertThat(result).isEqualTo("f on attempt 2");
		}
		finally {
			LettuceConnectionFactory factory = RedisTestServer.get().connectionFactory();
			try (RedisConnection connection = factory.getConnection()) {
				RedisTestSupport.deleteKeys(connection, prefix);
			}
			finally {
				factory.destroy();
			}
		}
	}

	record Flaky(String id) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Node {

		@Bean
		FlakyHandler flakyHandler() {
			return new FlakyHandler();
		}

	}

	static class FlakyHandler {

		@OnTask(retries = 1, backoff = "30s")
		String flaky(Flaky task, TaskContext context) {
			if (context.attempt() == 1) {
				throw new IllegalStateException("fails once");
			}
			return task.id() + " on attempt " + context.attempt();
		}

	}

}
