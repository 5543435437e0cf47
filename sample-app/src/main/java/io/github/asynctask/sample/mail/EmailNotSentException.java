package io.github.asynctask.sample.mail;

/**
 * Thrown by the {@code SendEmail} handler when an email cannot be sent. It carries the payload so that the
 * outcome can be counted against its newsletter.
 */
public class EmailNotSentException extends RuntimeException {

	private final SendEmail email;

	public EmailNotSentException(SendEmail email, Throwable cause) {
		super("Email to '" + email.to() + "' not sent: "
				+ ((cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName()), cause);
		this.email = email;
	}

	public SendEmail getEmail() {
		return this.email;
	}

}
