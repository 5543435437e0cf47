package io.github.asynctask.sample.newsletter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.icegreen.greenmail.util.GreenMail;
import io.github.asynctask.sample.RequestThreads;
import io.github.asynctask.sample.SampleAppTest;
import io.github.asynctask.sample.mail.Mailer;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sending newsletters over real HTTP to the real embedded SMTP server, 4 workers, 20 ms per send.
 */
@SampleAppTest
class NewsletterDeliveryTests {

	private static final Duration AT_MOST = Duration.ofSeconds(90);

	@Autowired
	private TestRestTemplate http;

	@Autowired
	private GreenMail greenMail;

	@Autowired
	private RequestThreads requestThreads;

	@Test
	void thousandEmailsAreAcceptedAtOnceThenEachRecipientGetsExactlyOne() throws MessagingException {
		ResponseEntity<NewsletterStatus> accepted = this.http.postForEntity("/api/newsletters",
				Map.of("subject", "Spring news", "body", "Hello!", "count", 1000), NewsletterStatus.class);
		int deliveredWhenAccepted = messagesOf(accepted.getBody().id()).size();

		assertThat(accepted.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
		assertThat(deliveredWhenAccepted).isLessThan(100);
		NewsletterStatus status = accepted.getBody();
		assertThat(status.total()).isEqualTo(1000);
		assertThat(status.sent()).isLessThan(100);
		assertThat(status.dispatchMillis()).isNotNull();
		assertThat(accepted.getHeaders().getLocation()).hasPath("/api/newsletters/" + status.id());

		await().atMost(AT_MOST).until(() -> messagesOf(status.id()).size() >= 1000);
		List<MimeMessage> messages = messagesOf(status.id());
		assertThat(messages).hasSize(1000);
		List<String> recipients = new ArrayList<>();
		for (MimeMessage message : messages) {
			assertThat(message.getSubject()).isEqualTo("Spring news");
			recipients.add(message.getRecipients(Message.RecipientType.TO)[0].toString());
		}
		assertThat(recipients).containsExactlyInAnyOrderElementsOf(
				IntStream.rangeClosed(1, 1000).mapToObj((i) -> "user" + i + "@example.test").toList());

		NewsletterStatus done = awaitDone(accepted.getHeaders().getLocation().getPath());
		assertThat(done.sent()).isEqualTo(1000);
		assertThat(done.failed()).isZero();
		assertThat(done.pending()).isZero();
		assertThat(done.total()).isEqualTo(1000);
	}

	@Test
	void emailsAreSentByTaskWorkersNeverByARequestThread() throws MessagingException {
		NewsletterStatus accepted = post(Map.of("subject", "Threads", "body", "Who sends?", "count", 40));
		awaitDone("/api/newsletters/" + accepted.id());

		Set<String> senders = sentBy(messagesOf(accepted.id()));
		assertThat(senders).isNotEmpty().allSatisfy((thread) -> assertThat(thread).startsWith("async-task-worker-"));
		assertThat(this.requestThreads.names()).isNotEmpty().doesNotContainAnyElementsOf(senders);
	}

	@Test
	void oneMalformedAddressAmongGoodOnesIsOneFailedEmail() {
		List<String> recipients = new ArrayList<>(
				IntStream.rangeClosed(1, 99).mapToObj((i) -> "reader" + i + "@example.test").toList());
		recipients.add(50, "not-an-address");
		NewsletterStatus accepted = post(Map.of("subject", "Mostly good", "body", "Hi", "recipients", recipients));
		assertThat(accepted.total()).isEqualTo(100);

		NewsletterStatus done = awaitDone("/api/newsletters/" + accepted.id());
		assertThat(done.sent()).isEqualTo(99);
		assertThat(done.failed()).isEqualTo(1);
		assertThat(done.pending()).isZero();
		assertThat(done.failures()).singleElement().satisfies((failure) -> {
			assertThat(failure.to()).isEqualTo("not-an-address");
			assertThat(failure.reason()).contains("not-an-address");
		});
		assertThat(messagesOf(accepted.id())).hasSize(99);
	}

	@Test
	void mailboxShowsWhatArrivedForOneAddress() {
		NewsletterStatus accepted = post(
				Map.of("subject", "For Alice", "body", "Dear Alice", "recipients", List.of("alice@example.test")));
		awaitDone("/api/newsletters/" + accepted.id());

		JsonNode mailbox = this.http.getForObject("/api/mailbox?to=alice@example.test", JsonNode.class);
		assertThat(mailbox.get("count").asInt()).isEqualTo(1);
		JsonNode mail = mailbox.get("messages").get(0);
		assertThat(mail.get("subject").asString()).isEqualTo("For Alice");
		assertThat(mail.get("body").asString()).contains("Dear Alice");
		assertThat(mail.get("newsletterId").asString()).isEqualTo(accepted.id());
		assertThat(mail.get("sentBy").asString()).startsWith("async-task-worker-");
	}

	@Test
	void recentNewslettersAreListedNewestFirst() {
		NewsletterStatus first = post(Map.of("subject", "First", "body", "1", "count", 1));
		NewsletterStatus second = post(Map.of("subject", "Second", "body", "2", "count", 1));

		NewsletterStatus[] recent = this.http.getForObject("/api/newsletters?limit=2", NewsletterStatus[].class);
		assertThat(recent).extracting(NewsletterStatus::id).containsExactly(second.id(), first.id());
	}

	@Test
	void unknownNewsletterIsNotFound() {
		ResponseEntity<JsonNode> response = this.http.getForEntity("/api/newsletters/nope", JsonNode.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(response.getBody().get("detail").asString()).contains("nope");
	}

	private NewsletterStatus post(Map<String, Object> request) {
		ResponseEntity<NewsletterStatus> response = this.http.postForEntity("/api/newsletters", request,
				NewsletterStatus.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
		return response.getBody();
	}

	private NewsletterStatus awaitDone(String location) {
		return await().atMost(AT_MOST)
			.until(() -> this.http.getForObject(location, NewsletterStatus.class), NewsletterStatus::done);
	}

	private List<MimeMessage> messagesOf(String newsletterId) {
		return Arrays.stream(this.greenMail.getReceivedMessages())
			.filter((message) -> newsletterId.equals(header(message, Mailer.NEWSLETTER_HEADER)))
			.toList();
	}

	private static Set<String> sentBy(List<MimeMessage> messages) {
		return messages.stream().map((message) -> header(message, Mailer.SENT_BY_HEADER)).collect(Collectors.toSet());
	}

	private static String header(MimeMessage message, String name) {
		try {
			return message.getHeader(name, null);
		}
		catch (MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
