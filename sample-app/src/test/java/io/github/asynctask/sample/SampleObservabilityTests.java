package io.github.asynctask.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.github.asynctask.sample.newsletter.NewsletterStatus;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the sample's page shows beside its progress bars, served by the real web server: the {@code asynctask}
 * endpoint, the {@code asyncTask} health component and the {@code async.task.*} meters.
 */
@SampleAppTest
class SampleObservabilityTests {

	@Autowired
	private TestRestTemplate http;

	@Test
	void thePageLinksTheEndpointAndTheHealthAndReadsTheMeters() {
		String page = this.http.getForObject("/", String.class);
		assertThat(page).contains("href=\"/actuator/asynctask\"", "href=\"/actuator/health/asyncTask\"",
				"'/actuator/metrics/'", "'async.task.completed'", "'async.task.queued'", "'async.task.running'");
	}

	@Test
	void thePageLinksTheDashboardWhichIsServed() {
		assertThat(this.http.getForObject("/", String.class)).contains("href=\"/async-task\"");
		ResponseEntity<String> dashboard = this.http.getForEntity("/async-task", String.class);
		assertThat(dashboard.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(dashboard.getBody()).contains("<title>async-task dashboard</title>",
				"<meta name=\"async-task-endpoint\" content=\"/actuator/asynctask\">");
		assertThat(this.http.getForEntity("/async-task/assets/dashboard.js", String.class).getStatusCode())
			.isEqualTo(HttpStatus.OK);
		String endpoint = this.http.getForObject("/actuator/asynctask", String.class);
		assertThat(JsonPath.<Integer>read(endpoint, "$.throughput.intervalSeconds")).isEqualTo(1);
	}

	@Test
	void endpointHealthAndMetersDescribeTheTaskWorkers() {
		ResponseEntity<NewsletterStatus> accepted = this.http.postForEntity("/api/newsletters",
				Map.of("subject", "Meters", "body", "Counted", "count", 5), NewsletterStatus.class);
		assertThat(accepted.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
		String location = accepted.getHeaders().getLocation().getPath();
		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.http.getForObject(location, NewsletterStatus.class).done());

		String endpoint = this.http.getForObject("/actuator/asynctask", String.class);
		assertThat(JsonPath.<Integer>read(endpoint, "$.taskWorkerNum")).isEqualTo(4);
		assertThat(JsonPath.<List<String>>read(endpoint, "$.handlers[*].task")).contains("SendEmail");

		String health = this.http.getForObject("/actuator/health/asyncTask", String.class);
		assertThat(JsonPath.<String>read(health, "$.status")).isEqualTo("UP");
		assertThat(JsonPath.<Integer>read(health, "$.details.workers")).isEqualTo(4);

		String completed = this.http.getForObject(
				"/actuator/metrics/async.task.completed?tag=task:SendEmail&tag=outcome:SUCCEEDED", String.class);
		assertThat(JsonPath.<Double>read(completed, "$.measurements[0].value")).isGreaterThanOrEqualTo(5.0);
		assertThat(this.http.getForEntity("/actuator/metrics/async.task.queued", String.class).getStatusCode())
			.isEqualTo(HttpStatus.OK);
		assertThat(this.http.getForEntity("/actuator/metrics/async.task.running", String.class).getStatusCode())
			.isEqualTo(HttpStatus.OK);
	}

}
