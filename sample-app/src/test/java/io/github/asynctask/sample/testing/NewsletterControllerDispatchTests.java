package io.github.asynctask.sample.testing;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.sample.SampleAppTest;
import io.github.asynctask.sample.mail.SendEmail;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.times;

/**
 * README "Testing your own handlers": a {@code @MockitoBean TaskTemplate} replaces the real one, so a test asserts
 * what the controller dispatches (and how it reacts to a full queue) without running any task.
 */
@SampleAppTest
class NewsletterControllerDispatchTests {

	@MockitoBean
	private TaskTemplate tasks;

	@Autowired
	private TestRestTemplate http;

	@Test
	void oneSendEmailTaskPerRecipient() {
		given(this.tasks.tryDispatch(any())).willReturn(OptionalLong.of(1));

		ResponseEntity<JsonNode> response = this.http.postForEntity("/api/newsletters", Map.of("subject", "Hi", "body",
				"Hello", "recipients", List.of("ann@example.test", "bob@example.test")), JsonNode.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
		ArgumentCaptor<SendEmail> dispatched = ArgumentCaptor.forClass(SendEmail.class);
		then(this.tasks).should(times(2)).tryDispatch(dispatched.capture());
		assertThat(dispatched.getAllValues()).extracting(SendEmail::to)
			.containsExactly("ann@example.test", "bob@example.test");
		assertThat(dispatched.getAllValues()).extracting(SendEmail::subject).containsOnly("Hi");
	}

	@Test
	void noRoomInTheQueuesIs503() {
		given(this.tasks.tryDispatch(any())).willReturn(OptionalLong.of(1), OptionalLong.empty());

		ResponseEntity<JsonNode> response = this.http.postForEntity("/api/newsletters",
				Map.of("subject", "Hi", "body", "Hello", "count", 3), JsonNode.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("5");
		assertThat(response.getBody().get("queued").asInt()).isEqualTo(1);
		assertThat(response.getBody().get("notQueued").asInt()).isEqualTo(2);
		then(this.tasks).should(times(2)).tryDispatch(any());
	}

}
