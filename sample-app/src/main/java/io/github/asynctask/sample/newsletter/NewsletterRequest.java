package io.github.asynctask.sample.newsletter;

import java.util.ArrayList;
import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /api/newsletters}: a subject, a body, and either explicit {@code recipients} or a
 * {@code count} of generated ones ({@code user1@example.test} ... {@code userN@example.test}). Checked with Bean
 * Validation ({@code @Valid} in the controller); the rules between fields are {@link SendableNewsletter}'s.
 *
 * @param subject the subject line
 * @param body the plain-text body
 * @param recipients the recipients' addresses
 * @param count how many generated recipients to send to, instead of {@code recipients}
 */
@SendableNewsletter
public record NewsletterRequest(@NotBlank @Nullable String subject, @NotNull @Nullable String body,
		@Nullable List<String> recipients, @Min(1) @Nullable Integer count) {

	/**
	 * The recipients to send to, in order: the given ones, or {@code count} generated ones. Call only on a valid
	 * request.
	 * @return the addresses
	 */
	List<String> recipientsToSend() {
		if (this.count == null) {
			return (this.recipients != null) ? this.recipients : List.of();
		}
		List<String> addresses = new ArrayList<>(this.count);
		for (int i = 1; i <= this.count; i++) {
			addresses.add("user" + i + "@example.test");
		}
		return addresses;
	}

}
