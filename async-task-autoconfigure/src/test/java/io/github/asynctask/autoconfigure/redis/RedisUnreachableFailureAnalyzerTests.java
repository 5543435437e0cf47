package io.github.asynctask.autoconfigure.redis;

import java.io.IOException;

import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.transport.redis.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of {@link RedisUnreachableFailureAnalyzer}: a real startup in redis mode against a port where no Redis
 * listens.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisUnreachableFailureAnalyzerTests {

	@Test
	void aStartupThatCannotReachRedisSaysWhereItLookedWhyAndWhatToDo(CapturedOutput output) throws IOException {
		int port = AsyncTaskRedisAutoConfigurationTests.closedPort();
		SpringApplication application = new SpringApplication(RedisApp.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> application.run(
				"--async-task.transport=redis", "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + port,
				"--async-task.redis.key-prefix=" + RedisTestServer.uniquePrefix("unreachable")));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("async-task.transport is 'redis', but the task server could not reach Redis at 127.0.0.1:"
					+ port + " (spring.data.redis.host and spring.data.redis.port; their defaults are localhost and "
					+ "6379) when it started: ConnectException: Connection refused.")
			.contains("Start Redis there (for example redis-server --port " + port + ", or docker run -p " + port
					+ ":6379 redis:7); or point spring.data.redis.host and spring.data.redis.port (or "
					+ "spring.data.redis.url) at your Redis; or set async-task.transport=local to run tasks in this "
					+ "process. (In tests, async-task.inline=true starts no transport and needs no Redis.)")
			.doesNotContain("Caused by:"); // the analysis instead of the stack trace
	}

	@Test
	void aUrlIsShownWithoutItsPassword() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("spring.data.redis.url", "redis://user:secret@redis.example:6380");
		RuntimeException failure = inTransport(new RedisConnectionFailureException("Unable to connect",
				new IllegalStateException("WRONGPASS invalid username-password pair")));
		assertThat(new RedisUnreachableFailureAnalyzer(environment).analyze(failure).getDescription())
			.isEqualTo("async-task.transport is 'redis', but the task server could not reach Redis at "
					+ "redis://***@redis.example:6380 (spring.data.redis.url) when it started: "
					+ "IllegalStateException: WRONGPASS invalid username-password pair.");
	}

	@Test
	void aConnectionFailureOfTheApplicationsOwnBeansIsNotClaimed() {
		RedisConnectionFailureException own = new RedisConnectionFailureException("Unable to connect");
		assertThat(new RedisUnreachableFailureAnalyzer(new MockEnvironment()).analyze(new IllegalStateException(own)))
			.isNull();
	}

	private static RuntimeException inTransport(RedisConnectionFailureException ex) {
		ex.setStackTrace(new StackTraceElement[] { new StackTraceElement(
				"io.github.asynctask.transport.redis.RedisTransport", "start", "RedisTransport.java", 1) });
		return new IllegalStateException("Failed to start bean 'taskServer'", ex);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ AsyncTaskRedisAutoConfiguration.class, AsyncTaskAutoConfiguration.class,
			DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class })
	@Import(AsyncTaskRedisAutoConfigurationTests.WhereAmI.class)
	static class RedisApp {

	}

}
