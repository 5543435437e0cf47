package io.github.asynctask.sample.mail;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class EmailAddressesTests {

	@ParameterizedTest
	@ValueSource(strings = { "user1@example.test", "a.b+c@mail.example.org", " padded@example.test " })
	void wellFormedAddressesAreValid(String address) {
		assertThat(EmailAddresses.isValid(address)).isTrue();
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { " ", "not-an-address", "bob@", "@example.test", "a@example.test, b@example.test",
			"Alice <alice@example.test>", "two words@example.test" })
	void anythingElseIsNot(String address) {
		assertThat(EmailAddresses.isValid(address)).isFalse();
	}

}
