package io.github.asynctask.sample.newsletter;

import java.util.List;

import io.github.asynctask.sample.mail.EmailAddresses;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/**
 * Checks {@link SendableNewsletter}. Spring creates it and injects the limit from
 * {@code sample.newsletter.max-recipients}.
 */
class SendableNewsletterValidator implements ConstraintValidator<SendableNewsletter, NewsletterRequest> {

	/** Most malformed addresses named one by one when none is well-formed. */
	private static final int MAX_ADDRESS_ERRORS = 10;

	private final int maxRecipients;

	SendableNewsletterValidator(NewsletterProperties properties) {
		this.maxRecipients = properties.maxRecipients();
	}

	@Override
	public boolean isValid(NewsletterRequest request, ConstraintValidatorContext context) {
		if (request == null) {
			return true;
		}
		context.disableDefaultConstraintViolation();
		List<String> recipients = request.recipients();
		Integer count = request.count();
		if (recipients != null && count != null) {
			return violation(context, "count", "give either recipients or count, not both");
		}
		if (count != null) {
			// count < 1 is @Min's to report.
			return count <= this.maxRecipients || violation(context, "count", tooMany());
		}
		if (recipients == null || recipients.isEmpty()) {
			return violation(context, "recipients", "must not be empty (or give a count)");
		}
		if (recipients.size() > this.maxRecipients) {
			return violation(context, "recipients", tooMany());
		}
		if (recipients.stream().noneMatch(EmailAddresses::isValid)) {
			for (int i = 0; i < recipients.size() && i < MAX_ADDRESS_ERRORS; i++) {
				context.buildConstraintViolationWithTemplate(
						escape("'" + recipients.get(i) + "' is not a valid email address"))
					.addPropertyNode("recipients")
					.addContainerElementNode("<list element>", List.class, 0)
					.inIterable()
					.atIndex(i)
					.addConstraintViolation();
			}
			return false;
		}
		return true;
	}

	private String tooMany() {
		return "must be at most " + this.maxRecipients + " recipients (sample.newsletter.max-recipients)";
	}

	private static boolean violation(ConstraintValidatorContext context, String field, String message) {
		context.buildConstraintViolationWithTemplate(escape(message)).addPropertyNode(field).addConstraintViolation();
		return false;
	}

	/** The client's text goes into a message template: no expression or parameter in it may be evaluated. */
	private static String escape(String message) {
		return message.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
	}

}
