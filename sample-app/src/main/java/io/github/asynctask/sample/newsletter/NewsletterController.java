package io.github.asynctask.sample.newsletter;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.sample.mail.SendEmail;
import jakarta.validation.Valid;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@code /api/newsletters}: send a newsletter (one {@code SendEmail} task per recipient) and watch it go out.
 */
@RestController
@RequestMapping("/api/newsletters")
class NewsletterController {

	private static final Log logger = LogFactory.getLog(NewsletterController.class);

	private final TaskTemplate tasks;

	private final Newsletters newsletters;

	private final Duration retryAfter;

	NewsletterController(TaskTemplate tasks, Newsletters newsletters, NewsletterProperties properties) {
		this.tasks = tasks;
		this.newsletters = newsletters;
		this.retryAfter = properties.retryAfter();
	}

	/**
	 * Hand one {@code SendEmail} task per recipient to the task workers and answer at once: {@code tryDispatch} only
	 * queues a task, and never waits for room (whatever {@code async-task.when-full} says), so the request thread
	 * is never held by a full queue.
	 * @param request the newsletter
	 * @param uris to build the {@code Location}
	 * @return {@code 202} with the newsletter's status and its {@code Location}; {@code 503} with
	 * {@code Retry-After} when the task queues had no room for part of it
	 */
	@PostMapping
	ResponseEntity<?> send(@Valid @RequestBody NewsletterRequest request, UriComponentsBuilder uris) {
		List<String> recipients = request.recipientsToSend();
		Newsletter newsletter = this.newsletters.create(request.subject(), recipients.size());
		int queued = 0;
		while (queued < recipients.size() && this.tasks
			.tryDispatch(new SendEmail(newsletter.id(), recipients.get(queued), request.subject(), request.body()))
			.isPresent()) {
			queued++;
		}
		newsletter.dispatched();
		URI location = uris.path("/api/newsletters/{id}").buildAndExpand(newsletter.id()).toUri();
		if (queued == recipients.size()) {
			return ResponseEntity.accepted().location(location).body(newsletter.status());
		}
		return queuesFull(newsletter, recipients, queued, location);
	}

	/**
	 * The task queues had no room for the emails from {@code recipients[queued]} on: they are not sent (they count
	 * as failed, so the newsletter still ends), and the client is told to send them again later.
	 */
	private ResponseEntity<ProblemDetail> queuesFull(Newsletter newsletter, List<String> recipients, int queued,
			URI location) {
		int notQueued = recipients.size() - queued;
		long retryAfter = Math.max(1, this.retryAfter.toSeconds());
		logger.warn("Newsletter " + newsletter.id() + ": the task queues had no room for " + notQueued + " of "
				+ recipients.size() + " emails; answering 503");
		if (newsletter.recordFailed(notQueued, recipients.get(queued) + " and the " + (notQueued - 1) + " after it",
				"not queued: the task queues were full")) {
			Newsletters.logDone(newsletter);
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"Queued " + queued + " of " + recipients.size() + " emails; the task queues had no room for the other "
						+ notQueued + ", which were not sent. Send them again in " + retryAfter + " seconds.");
		problem.setTitle("Task queues full");
		problem.setProperty("queued", queued);
		problem.setProperty("notQueued", notQueued);
		problem.setProperty("newsletter", newsletter.status());
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter))
			.location(location)
			.body(problem);
	}

	/**
	 * One newsletter's progress.
	 * @param id the newsletter's id
	 * @return its status
	 */
	@GetMapping("/{id}")
	NewsletterStatus status(@PathVariable String id) {
		return this.newsletters.find(id)
			.map(Newsletter::status)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No newsletter '" + id + "'"));
	}

	/**
	 * The most recent newsletters, newest first.
	 * @param limit at most this many
	 * @return their statuses
	 */
	@GetMapping
	List<NewsletterStatus> recent(@RequestParam(defaultValue = "20") int limit) {
		return this.newsletters.recent(limit).stream().map(Newsletter::status).toList();
	}

}
