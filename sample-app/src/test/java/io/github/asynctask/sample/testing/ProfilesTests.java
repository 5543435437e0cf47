package io.github.asynctask.sample.testing;

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
 * workers, {@code application-test.properties} (test resources) runs every task inline.
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

	private static ConfigurableApplicationContext start(String profile) {
		return new SpringApplicationBuilder(SampleApplication.class).web(WebApplicationType.NONE)
			.profiles(profile)
			.run("--sample.mail.embedded.port=0");
	}

}
