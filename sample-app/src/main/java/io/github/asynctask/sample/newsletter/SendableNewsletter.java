package io.github.asynctask.sample.newsletter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

/**
 * A {@link NewsletterRequest} has something to send: {@code recipients} or a {@code count} (not both), at most
 * {@code sample.newsletter.max-recipients} of them, and at least one well-formed address among the recipients.
 * A malformed address among good ones is allowed: it becomes one failed email. Each violation names its field
 * ({@code count}, {@code recipients}, {@code recipients[3]}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Constraint(validatedBy = SendableNewsletterValidator.class)
public @interface SendableNewsletter {

	String message() default "nothing to send";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}
