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
import io.github.asynctask.sample.mail.SendEmail;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
	 * failures, time-outs and cancellations too), on an async-task thread, never on the request thread. The
	 * result's payload says which email it was, so every outcome counts against its newsletter.
	 * @param result the task's outcome
	 */
	@OnFinish("SendEmail")
	void emailFinished(TaskResult<?> result) {
		if (!(result.payload() instanceof SendEmail email)) {
			return;
		}
		find(email.newsletterId())
			.filter((newsletter) -> result.isSuccess() ? newsletter.recordSent()
					: newsletter.recordFailed(email.to(), reason(result)))
			.ifPresent(Newsletters::logDone);
	}

	private static String reason(TaskResult<?> result) {
		Throwable error = result.error();
		String message = (error != null && error.getMessage() != null) ? error.getMessage()
				: (error != null) ? error.getClass().getSimpleName() : "no error";
		return switch (result.status()) {
			case FAILED -> message;
			case TIMED_OUT -> "timed out: " + message;
			case CANCELLED -> "cancelled: " + message;
			case SUCCEEDED -> "sent";
		};
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
