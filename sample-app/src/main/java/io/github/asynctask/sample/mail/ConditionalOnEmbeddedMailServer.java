package io.github.asynctask.sample.mail;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the sample should run its embedded SMTP server: nobody pointed {@code spring.mail.host} (or
 * {@code spring.mail.jndi-name}) at a real one, and {@code sample.mail.embedded.enabled} is not {@code false}.
 * When it does not match, Spring Boot's own mail auto-configuration provides the {@code JavaMailSender}.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(ConditionalOnEmbeddedMailServer.OnEmbeddedMailServerCondition.class)
public @interface ConditionalOnEmbeddedMailServer {

	class OnEmbeddedMailServerCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("Embedded mail server");
			Environment environment = context.getEnvironment();
			for (String property : new String[] { "spring.mail.host", "spring.mail.jndi-name" }) {
				if (environment.containsProperty(property)) {
					return ConditionOutcome.noMatch(message.because(property + " is set"));
				}
			}
			if (!environment.getProperty("sample.mail.embedded.enabled", Boolean.class, true)) {
				return ConditionOutcome.noMatch(message.because("sample.mail.embedded.enabled is false"));
			}
			return ConditionOutcome.match(message.because("no mail server configured (spring.mail.host)"));
		}

	}

}
