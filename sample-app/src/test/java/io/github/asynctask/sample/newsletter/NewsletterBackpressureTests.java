package io.github.asynctask.sample.newsletter;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.github.asynctask.sample.SampleApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the task queues are full and {@code async-task.when-full=reject}, the request still answers at once and
 * the emails that found no room count as failed, so the newsletter still finishes.
 * <p>
 * The app runs on its own here (real HTTP on a random port, real SMTP on a free one) rather than through
 * {@code @SpringBootTest}, so that its settings do not add a second context to the test context cache next to
 * the one the other tests share.
 */
class NewsletterBackpressureTests {

	private ConfigurableApplicationContext app;

	private RestClient http;

	@BeforeEach
	void start() {
		this.app = new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0",
				"--sample.mail.embedded.port=0", "--async-task.task-worker-num=1", "--async-task.queue-capacity=5",
				"--async-task.when-full=reject", "--sample.mail.send-delay=200ms");
		this.http = RestClient.create("http://127.0.0.1:" + this.app.getEnvironment().getProperty("local.server.port"));
	}

	@AfterEach
	void stop() {
		this.app.close();
	}

	@Test
	void emailsRejectedByFullQueuesCountAsFailed() {
		ResponseEntity<NewsletterStatus> accepted = this.http.post()
			.uri("/api/newsletters")
			.body(Map.of("subject", "Too many", "body", "x", "count", 50))
			.retrieve()
			.toEntity(NewsletterStatus.class);
		assertThat(accepted.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
		assertThat(accepted.getBody().failed()).isGreaterThanOrEqualTo(40);

		URI location = accepted.getHeaders().getLocation();
		NewsletterStatus done = await().atMost(Duration.ofSeconds(60))
			.until(() -> this.http.get().uri(location).retrieve().body(NewsletterStatus.class),
					NewsletterStatus::done);
		assertThat(done.sent()).isPositive();
		assertThat(done.sent() + done.failed()).isEqualTo(50);
		assertThat(done.pending()).isZero();
		assertThat(done.failures()).anySatisfy((failure) -> assertThat(failure.reason()).startsWith("rejected"));
	}

}
