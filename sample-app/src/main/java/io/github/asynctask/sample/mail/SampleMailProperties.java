package io.github.asynctask.sample.mail;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Mail settings of the sample ({@code sample.mail.*}).
 *
 * @param from sender address of every email
 * @param sendDelay extra time each send takes, to play slow work (for example "20ms"); zero by default
 * @param embedded the embedded SMTP server, started unless {@code spring.mail.host} is set
 */
@ConfigurationProperties("sample.mail")
public record SampleMailProperties(@DefaultValue("newsletter@example.test") String from,
		@DefaultValue("0ms") Duration sendDelay, @DefaultValue Embedded embedded) {

	/**
	 * The embedded SMTP server (GreenMail).
	 *
	 * @param enabled whether to start it when {@code spring.mail.host} is not set
	 * @param host address it binds to
	 * @param port SMTP port it listens on; 0 picks a free one
	 */
	public record Embedded(@DefaultValue("true") boolean enabled, @DefaultValue("127.0.0.1") String host,
			@DefaultValue("3025") int port) {

	}

}
