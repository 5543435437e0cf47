package io.github.asynctask.sample.mail;

import com.icegreen.greenmail.util.GreenMail;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded SMTP server runs unless {@code spring.mail.host} points at a real one.
 */
class EmbeddedMailServerConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MailSenderAutoConfiguration.class))
		.withUserConfiguration(MailProperties.class, EmbeddedMailServerConfiguration.class, MailboxController.class)
		.withPropertyValues("sample.mail.embedded.port=0");

	@Test
	void byDefaultMailGoesToTheEmbeddedServer() {
		this.contextRunner.run((context) -> {
			GreenMail greenMail = context.getBean(GreenMail.class);
			assertThat(greenMail.isRunning()).isTrue();
			assertThat(greenMail.getSmtp().getPort()).isPositive();
			assertThat(context).getBean(JavaMailSender.class)
				.isInstanceOfSatisfying(JavaMailSenderImpl.class, (sender) -> {
					assertThat(sender.getHost()).isEqualTo("127.0.0.1");
					assertThat(sender.getPort()).isEqualTo(greenMail.getSmtp().getPort());
				});
			assertThat(context).hasSingleBean(MailboxController.class);
		});
	}

	@Test
	void aConfiguredMailHostSwitchesTheEmbeddedServerOff() {
		this.contextRunner.withPropertyValues("spring.mail.host=smtp.example.test", "spring.mail.port=2525")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(GreenMail.class).doesNotHaveBean(MailboxController.class);
				assertThat(context).getBean(JavaMailSender.class)
					.isInstanceOfSatisfying(JavaMailSenderImpl.class, (sender) -> {
						assertThat(sender.getHost()).isEqualTo("smtp.example.test");
						assertThat(sender.getPort()).isEqualTo(2525);
					});
			});
	}

	@Test
	void theEmbeddedServerCanBeSwitchedOffExplicitly() {
		this.contextRunner.withPropertyValues("sample.mail.embedded.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GreenMail.class)
				.doesNotHaveBean(MailboxController.class)
				.doesNotHaveBean(JavaMailSender.class));
	}

	@Test
	void theEmbeddedServerStopsWithTheContext() {
		GreenMail[] started = new GreenMail[1];
		this.contextRunner.run((context) -> started[0] = context.getBean(GreenMail.class));
		assertThat(started[0].isRunning()).isFalse();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(SampleMailProperties.class)
	static class MailProperties {

	}

}
