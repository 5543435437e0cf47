package io.github.asynctask.autoconfigure.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.transport.local.LocalTransport;
import io.github.asynctask.transport.TaskTransport;
import io.github.asynctask.transport.redis.RedisTestServer;
import io.github.asynctask.transport.redis.RedisTransport;
import io.github.asynctask.transport.redis.RedisTransportSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mockito;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link AsyncTaskRedisAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class AsyncTaskRedisAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskRedisAutoConfiguration.class,
				AsyncTaskAutoConfiguration.class, DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withPropertyValues(RedisTestServer.get().springProperties())
		.withPropertyValues("async-task.redis.key-prefix=" + RedisTestServer.uniquePrefix("autoconfig"));

	@Test
	void localTransportByDefaultEvenWithRedisAround() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(TaskTransport.class)
			.getBean(TaskTransport.class)
			.isInstanceOf(LocalTransport.class));
	}

	@Test
	void redisTransportWhenAsked() {
		this.runner.withPropertyValues("async-task.transport=redis").run((context) -> {
			assertThat(context).hasSingleBean(TaskTransport.class);
			RedisTransport transport = context.getBean(RedisTransport.class);
			RedisTransportSettings settings = transport.settings();
			assertThat(settings.nodeId()).endsWith("-" + ProcessHandle.current().pid());
			assertThat(settings.consume()).isTrue();
			assertThat(settings.claimIdle()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.maxDeliveries()).isEqualTo(5);
			assertThat(settings.batchSize()).isEqualTo(64);
			assertThat(settings.maxPayloadBytes()).isEqualTo(1_048_576);
			assertThat(transport.name()).isEqualTo("redis");
		});
	}

	@Test
	void redisPropertiesAreApplied() {
		this.runner
			.withPropertyValues("async-task.transport=redis", "async-task.redis.key-prefix=shop",
					"async-task.redis.node-id=web-1", "async-task.redis.consume=false",
					"async-task.redis.claim-idle=10s", "async-task.redis.max-deliveries=3",
					"async-task.redis.batch-size=16", "async-task.redis.max-payload-bytes=2048",
					"async-task.redis.max-backlog=500", "async-task.redis.partitions=8")
			.run((context) -> {
				RedisTransportSettings settings = context.getBean(RedisTransport.class).settings();
				assertThat(settings).isEqualTo(new RedisTransportSettings("shop", "web-1", false,
						Duration.ofSeconds(10), 3, 16, 2048, 500, settings.backlogCapacity(), settings.whenFull(),
						settings.blockTimeout(), 8));
			});
	}

	@Test
	void backsOffFromAUserTransport() {
		TaskTransport mine = Mockito.mock(TaskTransport.class);
		this.runner.withPropertyValues("async-task.transport=redis")
			.withBean("myTransport", TaskTransport.class, () -> mine)
			.run((context) -> assertThat(context.getBean(TaskTransport.class)).isSameAs(mine));
	}

	@Test
	void failsClearlyWithoutARedisConnectionFactory() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncTaskRedisAutoConfiguration.class,
					AsyncTaskAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withPropertyValues("async-task.transport=redis")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new RedisTransportFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("async-task.transport is 'redis'")
					.contains("there is no RedisConnectionFactory bean");
				assertThat(analysis.getAction()).contains("spring-boot-starter-data-redis")
					.contains("async-task.transport=local");
			});
	}

	@Test
	void failsClearlyWithoutSpringDataRedis() {
		this.runner.withPropertyValues("async-task.transport=redis")
			.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new RedisTransportFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Spring Data Redis is not on the class path");
			});
	}

	@Test
	void failsClearlyWithoutJackson() {
		this.runner.withPropertyValues("async-task.transport=redis")
			.withClassLoader(new FilteredClassLoader("tools.jackson.databind"))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new RedisTransportFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Jackson 3 (tools.jackson.databind) is not on the");
				assertThat(analysis.getAction()).startsWith("Add spring-boot-starter-jackson to the application's "
						+ "dependencies")
					.contains("spring-boot-starter-data-redis does not")
					.doesNotContain("Spring Boot brings");
			});
	}

	@Test
	void badRedisPropertiesNameTheKey() {
		this.runner.withPropertyValues("async-task.transport=redis", "async-task.redis.batch-size=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("async-task.redis.batch-size must be between 1 and 10000, but was 0"));
		this.runner.withPropertyValues("async-task.redis.claim-idle=1ms")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("async-task.redis.claim-idle must be at least 30ms"));
		this.runner.withPropertyValues("async-task.redis.node-id=two words")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("async-task.redis.node-id must be a non-empty name without spaces"));
	}

	@Test
	void inlineModeStartsNoTransportSoATestNeedsNoRedis(CapturedOutput output) throws IOException {
		// an application whose application.properties say transport=redis, tested inline, with no Redis to reach
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncTaskRedisAutoConfiguration.class,
					AsyncTaskAutoConfiguration.class, DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withBean(WhereAmI.class)
			.withPropertyValues("async-task.transport=redis", "async-task.inline=true",
					"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + closedPort())
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(RedisTransport.class);
				String thread = context.getBean(TaskTemplate.class).dispatchAndWait("x", Duration.ofSeconds(5));
				assertThat(thread).isEqualTo(Thread.currentThread().getName());
				assertThat(output).contains("async-task.transport=redis is not started because "
						+ "async-task.inline=true: no Redis connection, no consumer, nothing read")
					.contains("Task server started: inline (async-task.inline=true): every task runs on the thread "
							+ "that dispatches it, no task workers, transport off, 1 task handler(s) [where]");
			});
	}

	static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	static class WhereAmI {

		@OnTask("where")
		String where(String payload) {
			return Thread.currentThread().getName();
		}

	}

}
