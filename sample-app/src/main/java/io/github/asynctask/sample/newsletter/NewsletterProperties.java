package io.github.asynctask.sample.newsletter;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Newsletter settings of the sample ({@code sample.newsletter.*}).
 *
 * @param maxRecipients most recipients one newsletter may have; a larger request is a 400
 * @param history how many newsletters the status endpoint remembers; the oldest are forgotten first
 * @param retryAfter what the {@code Retry-After} header of a 503 tells a client whose newsletter did not fit in
 * the task queues
 */
@ConfigurationProperties("sample.newsletter")
public record NewsletterProperties(@DefaultValue("10000") int maxRecipients, @DefaultValue("100") int history,
		@DefaultValue("5s") Duration retryAfter) {

}
