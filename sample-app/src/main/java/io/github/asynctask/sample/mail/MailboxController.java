package io.github.asynctask.sample.mail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/mailbox}: what the embedded SMTP server received, so a user can see the mail. Only there with
 * the embedded server.
 */
@RestController
@RequestMapping("/api/mailbox")
@ConditionalOnEmbeddedMailServer
class MailboxController {

	private final GreenMail greenMail;

	MailboxController(GreenMail greenMail) {
		this.greenMail = greenMail;
	}

	/**
	 * The messages received for one address, or for everyone.
	 * @param to the recipient address; all messages when absent
	 * @param limit at most this many messages in the answer, the newest first (the count is always complete)
	 * @return the mailbox
	 */
	@GetMapping
	Mailbox mailbox(@RequestParam(required = false) @Nullable String to,
			@RequestParam(defaultValue = "20") int limit) {
		List<MimeMessage> messages = Arrays.stream(this.greenMail.getReceivedMessages())
			.filter((message) -> to == null || isFor(message, to))
			.toList();
		List<Mail> newestFirst = new ArrayList<>();
		for (int i = messages.size() - 1; i >= 0 && newestFirst.size() < limit; i--) {
			newestFirst.add(toMail(messages.get(i)));
		}
		return new Mailbox(to, messages.size(), newestFirst);
	}

	private static boolean isFor(MimeMessage message, String to) {
		try {
			Address[] recipients = message.getRecipients(Message.RecipientType.TO);
			return recipients != null && Arrays.stream(recipients)
				.anyMatch((address) -> address.toString().equalsIgnoreCase(to.trim()));
		}
		catch (MessagingException ex) {
			return false;
		}
	}

	private static Mail toMail(MimeMessage message) {
		try {
			return new Mail(join(message.getFrom()), join(message.getRecipients(Message.RecipientType.TO)),
					message.getSubject(), message.getSentDate(), message.getHeader(Mailer.NEWSLETTER_HEADER, null),
					message.getHeader(Mailer.SENT_BY_HEADER, null), GreenMailUtil.getBody(message));
		}
		catch (MessagingException ex) {
			throw new IllegalStateException("Unreadable message: " + ex.getMessage(), ex);
		}
	}

	private static String join(Address @Nullable [] addresses) {
		return (addresses != null) ? String.join(", ", Arrays.stream(addresses).map(Address::toString).toList()) : "";
	}

	/**
	 * A mailbox.
	 * @param to the address asked for, or {@code null} for everyone
	 * @param count how many messages arrived
	 * @param messages the newest of them
	 */
	record Mailbox(@Nullable String to, int count, List<Mail> messages) {

	}

	/**
	 * One received message.
	 * @param from sender
	 * @param to recipients
	 * @param subject subject
	 * @param sentAt the Date header
	 * @param newsletterId the newsletter it belongs to
	 * @param sentBy the thread that sent it
	 * @param body the body text
	 */
	record Mail(String from, String to, String subject, @Nullable Date sentAt, @Nullable String newsletterId,
			@Nullable String sentBy, String body) {

	}

}
