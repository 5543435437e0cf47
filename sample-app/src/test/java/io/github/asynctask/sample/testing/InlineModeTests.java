package io.github.asynctask.sample.testing;

import java.time.Duration;

import com.icegreen.greenmail.util.GreenMail;
import io.github.asynctask.TaskFailedException;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.sample.mail.EmailNotSentException;
import io.github.asynctask.sample.mail.EmailReceipt;
import io.github.asynctask.sample.mail.SendEmail;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * README "Testing your own handlers": {@code async-task.inline=true} runs each task, and its {@code @OnFinish}
 * methods, on the thread that dispatches it, so a test needs no waiting.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "async-task.inline=true", "sample.mail.embedded.port=0" })
class InlineModeTests {

	@Autowired
	private TaskTemplate tasks;

	@Autowired
	private GreenMail greenMail;

	@Test
	void theEmailIsSentWhenDispatchReturns() {
		this.tasks.dispatch(new SendEmail("n1", "ann@example.test", "Inline", "Hello Ann"));

		assertThat(this.greenMail.getReceivedMessagesForDomain("ann@example.test")).hasSize(1); // already there
	}

	@Test
	void theResultIsThereAtOnceAndTheCallerRanTheTask() {
		EmailReceipt receipt = this.tasks.dispatchAndWait(new SendEmail("n2", "bob@example.test", "Hi", "Hello Bob"),
				Duration.ofSeconds(5));

		assertThat(receipt.to()).isEqualTo("bob@example.test");
		assertThat(receipt.thread()).isEqualTo(Thread.currentThread().getName());
	}

	@Test
	void aFailureReachesTheCaller() {
		assertThatExceptionOfType(TaskFailedException.class)
			.isThrownBy(() -> this.tasks.dispatchAndWait(new SendEmail("n3", "not-an-address", "Hi", "x"),
					Duration.ofSeconds(5)))
			.havingCause()
			.isInstanceOf(EmailNotSentException.class)
			.withMessageContaining("not-an-address");
	}

}
