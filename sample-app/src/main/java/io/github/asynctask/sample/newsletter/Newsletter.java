package io.github.asynctask.sample.newsletter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The progress of one newsletter: counted from the task outcomes, thread-safe.
 */
final class Newsletter {

	private static final int MAX_FAILURES_KEPT = 20;

	private final String id;

	private final String subject;

	private final int total;

	private final Instant acceptedAt = Instant.now();

	private final long startNanos = System.nanoTime();

	private final AtomicInteger sent = new AtomicInteger();

	private final AtomicInteger failed = new AtomicInteger();

	private final AtomicInteger finished = new AtomicInteger();

	private final AtomicLong doneNanos = new AtomicLong();

	private volatile long dispatchNanos = -1;

	private final List<NewsletterStatus.Failure> failures = new ArrayList<>();

	Newsletter(String id, String subject, int total) {
		this.id = id;
		this.subject = subject;
		this.total = total;
	}

	String id() {
		return this.id;
	}

	void dispatched() {
		this.dispatchNanos = System.nanoTime() - this.startNanos;
	}

	/**
	 * Count one sent email.
	 * @return whether this was the newsletter's last outcome
	 */
	boolean recordSent() {
		this.sent.incrementAndGet();
		return recordFinished(1);
	}

	/**
	 * Count one failed email.
	 * @param to its recipient
	 * @param reason why it failed
	 * @return whether this was the newsletter's last outcome
	 */
	boolean recordFailed(String to, String reason) {
		return recordFailed(1, to, reason);
	}

	boolean recordFailed(int emails, String to, String reason) {
		this.failed.addAndGet(emails);
		synchronized (this.failures) {
			if (this.failures.size() < MAX_FAILURES_KEPT) {
				this.failures.add(new NewsletterStatus.Failure(to, reason));
			}
		}
		return recordFinished(emails);
	}

	private boolean recordFinished(int emails) {
		int now = this.finished.addAndGet(emails);
		if (now >= this.total && now - emails < this.total) {
			this.doneNanos.set(System.nanoTime());
			return true;
		}
		return false;
	}

	NewsletterStatus status() {
		int sent = this.sent.get();
		int failed = this.failed.get();
		long done = this.doneNanos.get();
		long elapsed = ((done != 0) ? done : System.nanoTime()) - this.startNanos;
		long dispatch = this.dispatchNanos;
		List<NewsletterStatus.Failure> failures;
		synchronized (this.failures) {
			failures = List.copyOf(this.failures);
		}
		return new NewsletterStatus(this.id, this.subject, this.total, sent, failed,
				Math.max(0, this.total - sent - failed), done != 0, this.acceptedAt,
				TimeUnit.NANOSECONDS.toMillis(elapsed), (dispatch >= 0) ? TimeUnit.NANOSECONDS.toMillis(dispatch) : null,
				failures);
	}

}
