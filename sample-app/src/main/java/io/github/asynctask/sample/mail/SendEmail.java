package io.github.asynctask.sample.mail;

/**
 * Task payload: one email of a newsletter to one recipient. Its task name is the class's simple name,
 * {@code "SendEmail"}.
 *
 * @param newsletterId the newsletter the email belongs to
 * @param to the recipient's address, as given by the client (it may be malformed: the handler checks it)
 * @param subject the subject line
 * @param body the plain-text body
 */
public record SendEmail(String newsletterId, String to, String subject, String body) {

}
