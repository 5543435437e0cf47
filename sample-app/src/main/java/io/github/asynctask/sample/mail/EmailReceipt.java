package io.github.asynctask.sample.mail;

/**
 * Result of a {@link SendEmail} task that the SMTP server accepted.
 *
 * @param newsletterId the newsletter the email belongs to
 * @param to the recipient's address
 * @param thread the name of the thread that sent it (a task worker's)
 * @param workerId the task worker that ran the task
 */
public record EmailReceipt(String newsletterId, String to, String thread, int workerId) {

}
