package io.github.asynctask.sample.newsletter;

import java.time.Duration;
import java.util.concurrent.CancellationException;

import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTimeoutException;
import io.github.asynctask.sample.mail.EmailReceipt;
import io.github.asynctask.sample.mail.SendEmail;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every outcome of a newsletter's emails counts: the listener reads the email from the result's payload.
 */
class NewslettersTests {

	private final Newsletters newsletters = new Newsletters(new NewsletterProperties(10_000, 10, Duration.ofSeconds(5)));

	@Test
	void everyOutcomeCountsAgainstItsNewsletter() {
		Newsletter newsletter = this.newsletters.create("Hello", 4);
		String id = newsletter.id();
		this.newsletters.emailFinished(result(TaskStatus.SUCCEEDED, email(id, "a@example.test"),
				new EmailReceipt(id, "a@example.test", "async-task-worker-0", 0), null));
		this.newsletters.emailFinished(result(TaskStatus.FAILED, email(id, "b@example.test"), null,
				new IllegalStateException("Email to 'b@example.test' not sent: 550 no such user")));
		this.newsletters.emailFinished(result(TaskStatus.TIMED_OUT, email(id, "c@example.test"), null,
				new TaskTimeoutException("Task 3 'SendEmail' timed out")));
		assertThat(newsletter.status().pending()).isEqualTo(1);
		this.newsletters.emailFinished(result(TaskStatus.CANCELLED, email(id, "d@example.test"), null,
				new CancellationException("Task 4 'SendEmail' was still queued when the task server stopped")));
		NewsletterStatus status = newsletter.status();
		assertThat(status.sent()).isEqualTo(1);
		assertThat(status.failed()).isEqualTo(3);
		assertThat(status.pending()).isZero();
		assertThat(status.done()).isTrue();
		assertThat(status.failures()).extracting(NewsletterStatus.Failure::to, NewsletterStatus.Failure::reason)
			.containsExactly(
					org.assertj.core.groups.Tuple.tuple("b@example.test",
							"Email to 'b@example.test' not sent: 550 no such user"),
					org.assertj.core.groups.Tuple.tuple("c@example.test", "timed out: Task 3 'SendEmail' timed out"),
					org.assertj.core.groups.Tuple.tuple("d@example.test", "cancelled: Task 4 'SendEmail' was still "
							+ "queued when the task server stopped"));
	}

	private static SendEmail email(String newsletterId, String to) {
		return new SendEmail(newsletterId, to, "Hello", "Hi");
	}

	private static TaskResult<Object> result(TaskStatus status, SendEmail email, @Nullable Object value,
			@Nullable Throwable error) {
		return new TaskResult<>() {

			@Override
			public long taskId() {
				return 1;
			}

			@Override
			public String taskName() {
				return "SendEmail";
			}

			@Override
			public TaskStatus status() {
				return status;
			}

			@Override
			public @Nullable Object value() {
				return value;
			}

			@Override
			public @Nullable Throwable error() {
				return error;
			}

			@Override
			public int workerId() {
				return 0;
			}

			@Override
			public int attempts() {
				return 1;
			}

			@Override
			public Duration runTime() {
				return Duration.ZERO;
			}

			@Override
			public Object payload() {
				return email;
			}

		};
	}

}
