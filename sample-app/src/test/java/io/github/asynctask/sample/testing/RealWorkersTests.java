package io.github.asynctask.sample.testing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.sample.SampleAppTest;
import io.github.asynctask.sample.mail.EmailReceipt;
import io.github.asynctask.sample.mail.SendEmail;
import io.github.asynctask.sample.newsletter.NewsletterStatus;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * README "Testing your own handlers": with real task workers, wait for the outcome with Awaitility (or a
 * future), never with {@code Thread.sleep}.
 */
@SampleAppTest
class RealWorkersTests {

	@Autowired
	private TestRestTemplate http;

	@Autowired
	private TaskTemplate tasks;

	@Test
	void awaitTheOutcomeOfWhatTheEndpointDispatched() {
		ResponseEntity<NewsletterStatus> accepted = this.http.postForEntity("/api/newsletters",
				Map.of("subject", "Await", "body", "x", "count", 20), NewsletterStatus.class);
		assertThat(accepted.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			NewsletterStatus status = this.http.getForObject(accepted.getHeaders().getLocation(),
					NewsletterStatus.class);
			assertThat(status.sent()).isEqualTo(20);
		});
	}

	@Test
	void aFutureOfOneTask() {
		CompletableFuture<EmailReceipt> receipt = this.tasks
			.submit(new SendEmail("n1", "carol@example.test", "Hi", "Hello Carol"));

		assertThat(receipt).succeedsWithin(Duration.ofSeconds(30))
			.satisfies((r) -> assertThat(r.thread()).startsWith("async-task-worker-"));
	}

}
