package io.github.asynctask.sample.mail;

/**
 * Thrown by the {@code SendEmail} handler when an email cannot be sent, naming the recipient and the reason. (The
 * listener that counts outcomes finds the email itself in {@code TaskResult.payload()}.)
 */
public class EmailNotSentException extends RuntimeException {

	public EmailNotSentException(SendEmail email, Throwable cause) {
		super("Email to '" + email.to() + "' not sent: "
				+ ((cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName()), cause);
	}

}
