package io.github.asynctask.sample.mail;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Starts an embedded SMTP server (GreenMail) and points the app's {@code JavaMailSender} at it, so the sample
 * runs with nothing else installed. Off as soon as {@code spring.mail.host} is set: then Spring Boot's mail
 * auto-configuration sends to that server instead.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEmbeddedMailServer
class EmbeddedMailServerConfiguration {

	private static final Log logger = LogFactory.getLog(EmbeddedMailServerConfiguration.class);

	@Bean(destroyMethod = "stop")
	GreenMail greenMail(SampleMailProperties properties) {
		SampleMailProperties.Embedded embedded = properties.embedded();
		ServerSetup setup = new ServerSetup(embedded.port(), embedded.host(), ServerSetup.PROTOCOL_SMTP);
		if (embedded.port() == 0) {
			setup = setup.dynamicPort();
		}
		if (embedded.port() != 0) {
			// GreenMail would report a busy port only as "try to set server startup timeout": say what it is.
			checkPortFree(embedded.host(), embedded.port());
		}
		GreenMail greenMail = new GreenMail(setup);
		greenMail.start();
		logger.info("Embedded SMTP server listening on " + embedded.host() + ":" + greenMail.getSmtp().getPort()
				+ " (set spring.mail.host to use a real one)");
		return greenMail;
	}

	private static void checkPortFree(String host, int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(host, port));
		}
		catch (BindException ex) {
			throw new MailPortInUseException(host, port, ex);
		}
		catch (IOException ex) {
			// Not a busy port (an unknown host, say): let GreenMail report it.
		}
	}

	@Bean
	JavaMailSenderImpl mailSender(GreenMail greenMail) {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost(greenMail.getSmtp().getBindTo());
		sender.setPort(greenMail.getSmtp().getPort());
		sender.setDefaultEncoding("UTF-8");
		return sender;
	}

}
