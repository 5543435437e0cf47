package io.github.asynctask.sample.newsletter;

import java.util.ArrayList;
import java.util.List;

import io.github.asynctask.sample.mail.EmailAddresses;
import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /api/newsletters}: a subject, a body, and either explicit {@code recipients} or a
 * {@code count} of generated ones ({@code user1@example.test} ... {@code userN@example.test}).
 *
 * @param subject the subject line
 * @param body the plain-text body
 * @param recipients the recipients' addresses
 * @param count how many generated recipients to send to, instead of {@code recipients}
 */
public record NewsletterRequest(@Nullable String subject, @Nullable String body, @Nullable List<String> recipients,
		@Nullable Integer count) {

	/**
	 * Check the request and list its recipients. An address that is not well-formed is kept (it becomes one
	 * failed email) unless no recipient at all is well-formed: then there is nothing to send and the request
	 * is refused.
	 * @param maxRecipients the most recipients allowed
	 * @return the recipients to send to, in order
	 * @throws InvalidNewsletterException naming each offending field
	 */
	List<String> validate(int maxRecipients) {
		List<InvalidNewsletterException.FieldError> errors = new ArrayList<>();
		if (this.subject == null || this.subject.isBlank()) {
			errors.add(new InvalidNewsletterException.FieldError("subject", "must not be blank"));
		}
		if (this.body == null) {
			errors.add(new InvalidNewsletterException.FieldError("body", "must not be null"));
		}
		List<String> addresses = List.of();
		if (this.recipients != null && this.count != null) {
			errors.add(new InvalidNewsletterException.FieldError("count",
					"give either recipients or count, not both"));
		}
		else if (this.count != null) {
			if (this.count < 1) {
				errors.add(new InvalidNewsletterException.FieldError("count", "must be at least 1"));
			}
			else if (this.count > maxRecipients) {
				errors.add(new InvalidNewsletterException.FieldError("count", tooMany(maxRecipients)));
			}
			else {
				addresses = generated(this.count);
			}
		}
		else if (this.recipients == null || this.recipients.isEmpty()) {
			errors.add(new InvalidNewsletterException.FieldError("recipients",
					"must not be empty (or give a count)"));
		}
		else if (this.recipients.size() > maxRecipients) {
			errors.add(new InvalidNewsletterException.FieldError("recipients", tooMany(maxRecipients)));
		}
		else {
			addresses = this.recipients;
			if (addresses.stream().noneMatch(EmailAddresses::isValid)) {
				for (int i = 0; i < addresses.size() && i < 10; i++) {
					errors.add(new InvalidNewsletterException.FieldError("recipients[" + i + "]",
							"'" + addresses.get(i) + "' is not a valid email address"));
				}
			}
		}
		if (!errors.isEmpty()) {
			throw new InvalidNewsletterException(errors);
		}
		return addresses;
	}

	private static String tooMany(int maxRecipients) {
		return "must be at most " + maxRecipients + " recipients (sample.newsletter.max-recipients)";
	}

	private static List<String> generated(int count) {
		List<String> addresses = new ArrayList<>(count);
		for (int i = 1; i <= count; i++) {
			addresses.add("user" + i + "@example.test");
		}
		return addresses;
	}

}
