package io.github.asynctask.sample.mail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.asynctask.TaskContext;
import io.github.asynctask.annotation.OnTask;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;

/**
 * The task handler: sends one email per {@link SendEmail} task through {@link JavaMailSender}. It runs on a task
 * worker thread ({@code async-task-worker-<n>}), never on the request thread that dispatched the task.
 */
@Component
public class Mailer {

	/** Header naming the newsletter an email belongs to. */
	public static final String NEWSLETTER_HEADER = "X-Newsletter-Id";

	/** Header naming the thread that sent the email, so anyone can see it was a task worker. */
	public static final String SENT_BY_HEADER = "X-Sent-By";

	private final JavaMailSender mailSender;

	private final String from;

	private final Duration sendDelay;

	public Mailer(JavaMailSender mailSender, SampleMailProperties properties) {
		this.mailSender = mailSender;
		this.from = properties.from();
		this.sendDelay = properties.sendDelay();
	}

	/**
	 * Send one email. Any failure (a malformed address, an SMTP error) ends the task {@code FAILED} with an
	 * {@link EmailNotSentException} that names the recipient.
	 * @param email the email to send
	 * @param context the task's context
	 * @return the receipt
	 */
	@OnTask
	public EmailReceipt send(SendEmail email, TaskContext context) {
		String thread = Thread.currentThread().getName();
		try {
			InternetAddress to = EmailAddresses.parse(email.to());
			playSlowWork();
			MimeMessage message = this.mailSender.createMimeMessage();
			MimeMessageHelper helper = new MimeMessageHelper(message, StandardCharsets.UTF_8.name());
			helper.setFrom(this.from);
			helper.setTo(to);
			helper.setSubject(email.subject());
			helper.setText(email.body());
			message.setHeader(NEWSLETTER_HEADER, email.newsletterId());
			message.setHeader(SENT_BY_HEADER, thread);
			this.mailSender.send(message);
			return new EmailReceipt(email.newsletterId(), email.to(), thread, context.workerId());
		}
		catch (MessagingException | MailException ex) {
			throw new EmailNotSentException(email, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new EmailNotSentException(email, ex);
		}
	}

	private void playSlowWork() throws InterruptedException {
		if (!this.sendDelay.isZero() && !this.sendDelay.isNegative()) {
			Thread.sleep(this.sendDelay.toMillis());
		}
	}

}
