package io.github.asynctask.sample.newsletter;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.github.asynctask.sample.SampleApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the task queues have no room for a whole newsletter, the request still answers at once: {@code 503} with
 * {@code Retry-After}, saying how many emails were queued and how many were not, and the newsletter still ends
 * (the emails that did not fit count as failed). The app runs the default {@code async-task.when-full=block} with
 * a block-timeout of an hour: a controller that waited for room would hold the request for 45 hours.
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
				"--sample.mail.embedded.port=0", "--async-task.task-worker-num=1", "--async-task.queue-capacity=4",
				"--async-task.when-full=block", "--async-task.block-timeout=1h", "--sample.mail.send-delay=200ms",
				"--sample.newsletter.retry-after=7s");
		SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
		// Far above an answer that does not wait, far below one that waits for room in the queues.
		requests.setReadTimeout(Duration.ofSeconds(60));
		this.http = RestClient.builder()
			.requestFactory(requests)
			.baseUrl("http://127.0.0.1:" + this.app.getEnvironment().getProperty("local.server.port"))
			.build();
	}

	@AfterEach
	void stop() {
		this.app.close();
	}

	@Test
	void aNewsletterThatDoesNotFitIs503WithRetryAfterAndThePartThatFitGoesOut() {
		ResponseEntity<JsonNode> response = this.http.post()
			.uri("/api/newsletters")
			.body(Map.of("subject", "Too many", "body", "x", "count", 50))
			.retrieve()
			.onStatus((status) -> true, (request, answer) -> {
			})
			.toEntity(JsonNode.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("7");
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		JsonNode problem = response.getBody();
		int queued = problem.get("queued").asInt();
		int notQueued = problem.get("notQueued").asInt();
		// One worker, four queue slots: between 4 and 5 fit (the worker may have taken one).
		assertThat(queued).isBetween(4, 5);
		assertThat(queued + notQueued).isEqualTo(50);
		assertThat(problem.get("title").asString()).isEqualTo("Task queues full");
		assertThat(problem.get("detail").asString()).isEqualTo("Queued " + queued + " of 50 emails; the task queues "
				+ "had no room for the other " + notQueued + ", which were not sent. Send them again in 7 seconds.");

		URI location = response.getHeaders().getLocation();
		assertThat(location).hasPath("/api/newsletters/" + problem.get("newsletter").get("id").asString());
		NewsletterStatus done = await().atMost(Duration.ofSeconds(60))
			.until(() -> this.http.get().uri(location).retrieve().body(NewsletterStatus.class),
					NewsletterStatus::done);
		assertThat(done.sent()).isEqualTo(queued);
		assertThat(done.failed()).isEqualTo(notQueued);
		assertThat(done.pending()).isZero();
		assertThat(done.failures()).singleElement()
			.satisfies((failure) -> assertThat(failure.reason()).isEqualTo("not queued: the task queues were full"));
	}

}
