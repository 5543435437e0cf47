package io.github.asynctask.sample.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.sample.SampleApplication;
import io.github.asynctask.sample.mail.EmailReceipt;
import io.github.asynctask.sample.mail.SendEmail;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README "Testing your own handlers", per environment: {@code application-production.properties} runs 32 task
 * workers, {@code application-test.properties} (test resources) runs every task inline, also in an app whose
 * properties say {@code transport=redis}.
 */
class ProfilesTests {

	@Test
	void productionRunsMoreWorkers() {
		try (ConfigurableApplicationContext app = start("production")) {
			assertThat(app.getBean(TaskServer.class).taskWorkerNum()).isEqualTo(32);
		}
	}

	@Test
	void testsRunEveryTaskInline() {
		try (ConfigurableApplicationContext app = start("test")) {
			EmailReceipt receipt = app.getBean(TaskTemplate.class)
				.dispatchAndWait(new SendEmail("n1", "dan@example.test", "Hi", "x"), Duration.ofSeconds(5));
			assertThat(receipt.thread()).isEqualTo(Thread.currentThread().getName());
		}
	}

	@Test
	void aRedisAppTestedInlineNeedsNoRedis() throws IOException {
		// application-redis.properties says transport=redis; the test profile's inline=true starts no transport,
		// so this runs with no Redis where spring.data.redis.* points
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		try (ConfigurableApplicationContext app = start(new String[] { "redis", "test" },
				"--spring.data.redis.port=" + closedPort)) {
			EmailReceipt receipt = app.getBean(TaskTemplate.class)
				.dispatchAndWait(new SendEmail("n1", "eve@example.test", "Hi", "x"), Duration.ofSeconds(5));
			assertThat(receipt.thread()).isEqualTo(Thread.currentThread().getName());
		}
	}

	private static ConfigurableApplicationContext start(String profile) {
		return start(new String[] { profile });
	}

	private static ConfigurableApplicationContext start(String[] profiles, String... args) {
		String[] arguments = java.util.stream.Stream.concat(java.util.stream.Stream.of("--sample.mail.embedded.port=0"),
				java.util.Arrays.stream(args)).toArray(String[]::new);
		return new SpringApplicationBuilder(SampleApplication.class).web(WebApplicationType.NONE)
			.profiles(profiles)
			.run(arguments);
	}

}
