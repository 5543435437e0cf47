package io.github.asynctask.sample.newsletter;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Body of {@code GET /api/newsletters/{id}} (and of the {@code 202} that accepted it).
 *
 * @param id the newsletter's id
 * @param subject its subject
 * @param total emails to send
 * @param sent emails the SMTP server accepted
 * @param failed emails that could not be sent
 * @param pending emails neither sent nor failed yet
 * @param done whether every email has an outcome
 * @param acceptedAt when the request arrived
 * @param elapsedMillis from the request's arrival until the last outcome (or until now while pending)
 * @param dispatchMillis how long handing every email to the task workers took ({@code null} while it goes on)
 * @param failures the first failed emails and why
 */
public record NewsletterStatus(String id, String subject, int total, int sent, int failed, int pending,
		boolean done, Instant acceptedAt, long elapsedMillis, @Nullable Long dispatchMillis, List<Failure> failures) {

	/**
	 * One email that could not be sent.
	 * @param to its recipient
	 * @param reason why
	 */
	public record Failure(String to, String reason) {

	}

}
