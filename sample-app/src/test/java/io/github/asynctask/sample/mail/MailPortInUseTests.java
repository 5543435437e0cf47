package io.github.asynctask.sample.mail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import io.github.asynctask.sample.SampleApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A second instance of the sample finds the embedded SMTP port taken: startup fails naming the port, that it is
 * in use, and the property to change (instead of GreenMail's "try to set server startup timeout").
 */
@ExtendWith(OutputCaptureExtension.class)
class MailPortInUseTests {

	private ServerSocket busy;

	@BeforeEach
	void takeAPort() throws IOException {
		this.busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
	}

	@AfterEach
	void freeIt() throws IOException {
		this.busy.close();
	}

	@Test
	void aBusyPortFailsTheMailServerBeanWithThePort() {
		int port = this.busy.getLocalPort();
		new ApplicationContextRunner()
			.withUserConfiguration(EmbeddedMailServerConfigurationTests.MailProperties.class,
					EmbeddedMailServerConfiguration.class)
			.withPropertyValues("sample.mail.embedded.port=" + port)
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				MailPortInUseException cause = findCause(failure);
				assertThat(cause.getPort()).isEqualTo(port);
				FailureAnalysis analysis = new MailPortInUseFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).isEqualTo("The embedded SMTP server failed to start. Port "
						+ port + " on 127.0.0.1 was already in use (is another instance of the sample running?).");
				assertThat(analysis.getAction()).startsWith("Stop the process that is listening on port " + port
						+ ", or set sample.mail.embedded.port to another port (0 picks a free one)");
			});
	}

	@Test
	void aSecondInstanceReportsThePortAndThePropertyToChange(CapturedOutput output) {
		int port = this.busy.getLocalPort();
		assertThatException().isThrownBy(() -> SpringApplication.run(SampleApplication.class, "--server.port=0",
				"--sample.mail.embedded.port=" + port));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The embedded SMTP server failed to start. Port " + port + " on 127.0.0.1 was already in use")
			.contains("set sample.mail.embedded.port to another port")
			.doesNotContain("server startup timeout");
	}

	private static MailPortInUseException findCause(Throwable failure) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (candidate instanceof MailPortInUseException inUse) {
				return inUse;
			}
		}
		throw new AssertionError("No MailPortInUseException in " + failure);
	}

}
