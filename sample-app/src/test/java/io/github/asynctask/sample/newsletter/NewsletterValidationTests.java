package io.github.asynctask.sample.newsletter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.asynctask.sample.SampleAppTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Requests that cannot be sent get a {@code 400} problem detail naming the field, and dispatch nothing.
 */
@SampleAppTest
class NewsletterValidationTests {

	@Autowired
	private TestRestTemplate http;

	static Stream<Arguments> badRequests() {
		List<String> tooMany = IntStream.rangeClosed(1, 1001).mapToObj((i) -> "u" + i + "@example.test").toList();
		return Stream.of(
				arguments("no recipients", Map.of("subject", "Hi", "body", "x", "recipients", List.of()),
						List.of("recipients")),
				arguments("neither recipients nor count", Map.of("subject", "Hi", "body", "x"), List.of("recipients")),
				arguments("the only address is malformed",
						Map.of("subject", "Hi", "body", "x", "recipients", List.of("not-an-address")),
						List.of("recipients[0]")),
				arguments("every address is malformed",
						Map.of("subject", "Hi", "body", "x", "recipients", List.of("bob@", "@example.test")),
						List.of("recipients[0]", "recipients[1]")),
				arguments("more recipients than sample.newsletter.max-recipients",
						Map.of("subject", "Hi", "body", "x", "recipients", tooMany), List.of("recipients")),
				arguments("a count over sample.newsletter.max-recipients",
						Map.of("subject", "Hi", "body", "x", "count", 1001), List.of("count")),
				arguments("a count of zero", Map.of("subject", "Hi", "body", "x", "count", 0), List.of("count")),
				arguments("both recipients and count",
						Map.of("subject", "Hi", "body", "x", "count", 1, "recipients", List.of("a@example.test")),
						List.of("count")),
				arguments("a blank subject", Map.of("subject", " ", "body", "x", "count", 1), List.of("subject")),
				arguments("no body", Map.of("subject", "Hi", "count", 1), List.of("body")),
				arguments("no subject and no body", Map.of("count", 1), List.of("body", "subject")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badRequests")
	void badRequestIsProblemDetailNamingTheField(String description, Map<String, Object> request,
			List<String> fields) {
		int newslettersBefore = newsletterCount();

		ResponseEntity<JsonNode> response = this.http.postForEntity("/api/newsletters", request, JsonNode.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		JsonNode problem = response.getBody();
		assertThat(problem.get("status").asInt()).isEqualTo(400);
		assertThat(problem.get("instance").asString()).isEqualTo("/api/newsletters");
		List<String> named = new ArrayList<>();
		problem.get("errors").forEach((error) -> named.add(error.get("field").asString()));
		assertThat(named).containsExactlyElementsOf(fields);
		assertThat(problem.get("title").asString()).isEqualTo("Invalid newsletter");
		assertThat(problem.get("detail").asString()).contains(fields);
		assertThat(newsletterCount()).isEqualTo(newslettersBefore);
	}

	@Test
	void aValueOfTheWrongTypeNamesItsFieldLineAndColumn() {
		JsonNode problem = postUnreadable("{\"subject\": \"Hi\", \"count\": \"many\"}");

		assertThat(problem.get("title").asString()).isEqualTo("Unreadable request body");
		assertThat(problem.get("detail").asString()).startsWith("JSON error at line 1, column 28 (field 'count'): ")
			.contains("\"many\"");
		assertThat(problem.get("line").asInt()).isEqualTo(1);
		assertThat(problem.get("column").asInt()).isEqualTo(28);
		assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("count");
	}

	@Test
	void malformedJsonSaysWhere() {
		JsonNode problem = postUnreadable("{\n  \"subject\": \"Hi\",\n  \"body\": \"x\"\n  \"count\": 3\n}");

		assertThat(problem.get("detail").asString()).startsWith("JSON error at line 4, column 3: ");
		assertThat(problem.get("line").asInt()).isEqualTo(4);
	}

	@Test
	void aFractionalCountIsRejectedNotTruncated() {
		int newslettersBefore = newsletterCount();

		JsonNode problem = postUnreadable("{\"subject\": \"Hi\", \"body\": \"x\", \"count\": 2.5}");

		assertThat(problem.get("detail").asString()).contains("(field 'count')").contains("2.5");
		assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("count");
		assertThat(newsletterCount()).isEqualTo(newslettersBefore);
	}

	@Test
	void aWrongTypeInsideTheRecipientsNamesTheElement() {
		JsonNode problem = postUnreadable("{\"subject\": \"Hi\", \"body\": \"x\", \"recipients\": [\"a@example.test\", {}]}");

		assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("recipients[1]");
	}

	private JsonNode postUnreadable(String json) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		ResponseEntity<JsonNode> response = this.http.postForEntity("/api/newsletters", new HttpEntity<>(json, headers),
				JsonNode.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody().get("status").asInt()).isEqualTo(400);
		return response.getBody();
	}

	private int newsletterCount() {
		return this.http.getForObject("/api/newsletters?limit=1000", JsonNode.class).size();
	}

}
