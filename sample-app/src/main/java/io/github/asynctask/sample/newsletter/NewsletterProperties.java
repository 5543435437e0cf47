package io.github.asynctask.sample.newsletter;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Newsletter settings of the sample ({@code sample.newsletter.*}).
 *
 * @param maxRecipients most recipients one newsletter may have; a larger request is a 400
 * @param history how many newsletters the status endpoint remembers; the oldest are forgotten first
 */
@ConfigurationProperties("sample.newsletter")
public record NewsletterProperties(@DefaultValue("10000") int maxRecipients, @DefaultValue("100") int history) {

}
