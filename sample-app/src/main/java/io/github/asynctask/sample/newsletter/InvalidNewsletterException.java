package io.github.asynctask.sample.newsletter;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A newsletter request that cannot be sent; answered with a {@code 400} problem detail that names each field.
 */
public class InvalidNewsletterException extends RuntimeException {

	private final List<FieldError> errors;

	InvalidNewsletterException(List<FieldError> errors) {
		super(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
		this.errors = List.copyOf(errors);
	}

	public List<FieldError> getErrors() {
		return this.errors;
	}

	/**
	 * What is wrong with one field.
	 * @param field the field, for example {@code recipients} or {@code recipients[3]}
	 * @param message what is wrong with it
	 */
	public record FieldError(String field, String message) {

		@Override
		public String toString() {
			return this.field + ": " + this.message;
		}

	}

}
