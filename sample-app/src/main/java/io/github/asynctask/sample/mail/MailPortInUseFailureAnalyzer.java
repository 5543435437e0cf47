package io.github.asynctask.sample.mail;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a busy embedded SMTP port the way Spring Boot reports a busy HTTP port: which port, that it is in use,
 * and what to change.
 */
class MailPortInUseFailureAnalyzer extends AbstractFailureAnalyzer<MailPortInUseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MailPortInUseException cause) {
		return new FailureAnalysis(
				"The embedded SMTP server failed to start. Port " + cause.getPort() + " on " + cause.getHost()
						+ " was already in use (is another instance of the sample running?).",
				"Stop the process that is listening on port " + cause.getPort()
						+ ", or set sample.mail.embedded.port to another port (0 picks a free one), for example "
						+ "--sample.mail.embedded.port=0 or -Dspring-boot.run.arguments=--sample.mail.embedded.port=0 "
						+ "with spring-boot:run.",
				cause);
	}

}
