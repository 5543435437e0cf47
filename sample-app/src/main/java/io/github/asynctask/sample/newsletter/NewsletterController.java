package io.github.asynctask.sample.newsletter;

import java.net.URI;
import java.util.List;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.sample.mail.SendEmail;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;
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

	private final int maxRecipients;

	NewsletterController(TaskTemplate tasks, Newsletters newsletters, NewsletterProperties properties) {
		this.tasks = tasks;
		this.newsletters = newsletters;
		this.maxRecipients = properties.maxRecipients();
	}

	/**
	 * Hand one {@code SendEmail} task per recipient to the task workers and answer {@code 202 Accepted} at once:
	 * {@code dispatch} only queues a task, it never waits for a send.
	 * @param request the newsletter
	 * @param uris to build the {@code Location}
	 * @return 202 with the newsletter's status and its {@code Location}
	 */
	@PostMapping
	ResponseEntity<NewsletterStatus> send(@RequestBody NewsletterRequest request, UriComponentsBuilder uris) {
		List<String> recipients = request.validate(this.maxRecipients);
		Newsletter newsletter = this.newsletters.create(request.subject(), recipients.size());
		for (int i = 0; i < recipients.size(); i++) {
			try {
				this.tasks.dispatch(new SendEmail(newsletter.id(), recipients.get(i), request.subject(), request.body()));
			}
			catch (TaskRejectedException ex) {
				// The task queues stayed full for longer than async-task.block-timeout: the rest is not sent.
				int rejected = recipients.size() - i;
				logger.warn("Newsletter " + newsletter.id() + ": " + rejected + " emails rejected: " + ex.getMessage());
				if (newsletter.recordFailed(rejected, recipients.get(i) + " and the " + (rejected - 1) + " after it",
						"rejected: " + ex.getMessage())) {
					Newsletters.logDone(newsletter);
				}
				break;
			}
		}
		newsletter.dispatched();
		URI location = uris.path("/api/newsletters/{id}").buildAndExpand(newsletter.id()).toUri();
		return ResponseEntity.accepted().location(location).body(newsletter.status());
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
