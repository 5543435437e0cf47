package io.github.asynctask.sample.newsletter;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * RFC 9457 problem details for the sample's API (it replaces Spring Boot's default handler, which it extends):
 * <ul>
 * <li>a request that fails Bean Validation: {@code 400} with an {@code errors} array of {@code {field, message}}
 * and a {@code detail} naming each field;</li>
 * <li>a body that is not the JSON expected: {@code 400} saying where (line, column, field) and what is wrong,
 * instead of a bare "Failed to read request".</li>
 * </ul>
 */
@RestControllerAdvice
class NewsletterExceptionHandler extends ResponseEntityExceptionHandler {

	@Override
	protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldProblem> errors = ex.getBindingResult()
			.getFieldErrors()
			.stream()
			.map((error) -> new FieldProblem(error.getField(), String.valueOf(error.getDefaultMessage())))
			.sorted(Comparator.comparing(FieldProblem::field))
			.toList();
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				errors.stream().map(FieldProblem::toString).collect(Collectors.joining("; ")));
		problem.setTitle("Invalid newsletter");
		problem.setProperty("errors", errors);
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatus(status);
		problem.setTitle("Unreadable request body");
		JacksonException json = findJacksonException(ex);
		if (json == null) {
			problem.setDetail("The request body is missing or is not JSON: " + ex.getMessage());
			return handleExceptionInternal(ex, problem, headers, status, request);
		}
		String field = field(json);
		String message = firstLine(json.getOriginalMessage());
		StringBuilder detail = new StringBuilder("JSON error");
		TokenStreamLocation location = json.getLocation();
		if (location != null && location.getLineNr() > 0) {
			detail.append(" at line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr());
			problem.setProperty("line", location.getLineNr());
			problem.setProperty("column", location.getColumnNr());
		}
		if (field != null) {
			detail.append(" (field '").append(field).append("')");
			problem.setProperty("errors", List.of(new FieldProblem(field, message)));
		}
		problem.setDetail(detail.append(": ").append(message).toString());
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	private static @Nullable JacksonException findJacksonException(Throwable ex) {
		for (Throwable candidate = ex; candidate != null; candidate = candidate.getCause()) {
			if (candidate instanceof JacksonException json) {
				return json;
			}
		}
		return null;
	}

	/** The JSON path of the failure, as {@code recipients[2]} or {@code count}; null at the top level. */
	private static @Nullable String field(JacksonException ex) {
		StringBuilder field = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				field.append((field.length() > 0) ? "." : "").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				field.append('[').append(reference.getIndex()).append(']');
			}
		}
		return (field.length() > 0) ? field.toString() : null;
	}

	private static String firstLine(@Nullable String message) {
		if (message == null) {
			return "unreadable";
		}
		int newline = message.indexOf('\n');
		return ((newline >= 0) ? message.substring(0, newline) : message).trim();
	}

	/**
	 * What is wrong with one field of the request.
	 * @param field the field, for example {@code recipients} or {@code recipients[3]}
	 * @param message what is wrong with it
	 */
	record FieldProblem(String field, String message) {

		@Override
		public String toString() {
			return this.field + ": " + this.message;
		}

	}

}
