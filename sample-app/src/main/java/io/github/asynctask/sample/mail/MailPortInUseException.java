package io.github.asynctask.sample.mail;

/**
 * The embedded SMTP server cannot listen on its port because something else already does, typically a second
 * instance of the sample. {@link MailPortInUseFailureAnalyzer} turns it into a startup report naming the port
 * and the property to change.
 */
public class MailPortInUseException extends RuntimeException {

	private final String host;

	private final int port;

	MailPortInUseException(String host, int port, Throwable cause) {
		super("Embedded SMTP server port " + port + " on " + host + " is already in use", cause);
		this.host = host;
		this.port = port;
	}

	public String getHost() {
		return this.host;
	}

	public int getPort() {
		return this.port;
	}

}
