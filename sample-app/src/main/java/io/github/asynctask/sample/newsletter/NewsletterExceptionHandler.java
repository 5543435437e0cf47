package io.github.asynctask.sample.newsletter;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns an {@link InvalidNewsletterException} into an RFC 9457 problem detail: {@code 400}, a {@code detail}
 * naming the fields, and an {@code errors} array of {@code {field, message}}.
 */
@RestControllerAdvice(assignableTypes = NewsletterController.class)
class NewsletterExceptionHandler {

	@ExceptionHandler
	ProblemDetail invalidNewsletter(InvalidNewsletterException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle("Invalid newsletter");
		problem.setProperty("errors", ex.getErrors());
		return problem;
	}

}
