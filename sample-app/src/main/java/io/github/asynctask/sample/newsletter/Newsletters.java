package io.github.asynctask.sample.newsletter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

import io.github.asynctask.TaskResult;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.sample.mail.EmailNotSentException;
import io.github.asynctask.sample.mail.EmailReceipt;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The newsletters the app remembers, and the {@code @OnFinish} listener that counts each email's outcome
 * against its newsletter.
 */
@Component
public class Newsletters {

	private static final Log logger = LogFactory.getLog(Newsletters.class);

	private final AtomicLong ids = new AtomicLong();

	private final Map<String, Newsletter> newsletters = new ConcurrentHashMap<>();

	private final ConcurrentLinkedDeque<String> order = new ConcurrentLinkedDeque<>();

	private final int history;

	public Newsletters(NewsletterProperties properties) {
		this.history = Math.max(1, properties.history());
	}

	Newsletter create(String subject, int total) {
		Newsletter newsletter = new Newsletter(Long.toString(this.ids.incrementAndGet()), subject, total);
		this.newsletters.put(newsletter.id(), newsletter);
		this.order.addFirst(newsletter.id());
		while (this.order.size() > this.history) {
			String oldest = this.order.pollLast();
			if (oldest != null) {
				this.newsletters.remove(oldest);
			}
		}
		return newsletter;
	}

	Optional<Newsletter> find(String id) {
		return Optional.ofNullable(this.newsletters.get(id));
	}

	List<Newsletter> recent(int limit) {
		List<Newsletter> recent = new ArrayList<>();
		for (String id : this.order) {
			if (recent.size() >= limit) {
				break;
			}
			Newsletter newsletter = this.newsletters.get(id);
			if (newsletter != null) {
				recent.add(newsletter);
			}
		}
		return recent;
	}

	/**
	 * Runs after every {@code SendEmail} task, whatever its outcome (the {@link TaskResult} parameter asks for
	 * failures too), on an async-task thread, never on the request thread.
	 * @param result the task's outcome
	 */
	@OnFinish("SendEmail")
	void emailFinished(TaskResult<?> result) {
		if (result.value() instanceof EmailReceipt receipt) {
			find(receipt.newsletterId()).filter(Newsletter::recordSent).ifPresent(Newsletters::logDone);
			return;
		}
		EmailNotSentException notSent = findNotSent(result.error());
		if (notSent != null) {
			find(notSent.getEmail().newsletterId())
				.filter((newsletter) -> newsletter.recordFailed(notSent.getEmail().to(), notSent.getMessage()))
				.ifPresent(Newsletters::logDone);
			return;
		}
		// Only the handler's own failures carry the email; a task that timed out or was cancelled on shutdown
		// cannot be told apart from its newsletter's other emails (and cannot happen with this sample's settings).
		logger.warn("SendEmail task " + result.taskId() + " ended " + result.status() + " and is not counted"
				+ ((result.error() != null) ? ": " + result.error() : ""));
	}

	private static @Nullable EmailNotSentException findNotSent(@Nullable Throwable error) {
		for (Throwable candidate = error; candidate != null; candidate = candidate.getCause()) {
			if (candidate instanceof EmailNotSentException notSent) {
				return notSent;
			}
		}
		return null;
	}

	static void logDone(Newsletter newsletter) {
		NewsletterStatus status = newsletter.status();
		if (logger.isInfoEnabled()) {
			logger.info("Newsletter " + status.id() + ": " + status.sent() + " sent, " + status.failed()
					+ " failed in " + status.elapsedMillis() + " ms (dispatch took " + status.dispatchMillis()
					+ " ms)");
		}
	}

}
