package io.github.asynctask.sample.mail;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * Strict parsing of a single recipient address ({@code local@domain}, no personal name, no list).
 */
public final class EmailAddresses {

	private EmailAddresses() {
	}

	/**
	 * Parse one address strictly.
	 * @param address the address
	 * @return the parsed address
	 * @throws AddressException if it is not exactly one well-formed {@code local@domain} address
	 */
	public static InternetAddress parse(String address) throws AddressException {
		if (address == null || address.isBlank()) {
			throw new AddressException("Empty address");
		}
		InternetAddress parsed = new InternetAddress(address.trim(), true);
		parsed.validate();
		if (parsed.getPersonal() != null) {
			throw new AddressException("Only a bare address is allowed", address);
		}
		return parsed;
	}

	/**
	 * Whether the given text is exactly one well-formed address.
	 * @param address the address
	 * @return whether {@link #parse(String)} accepts it
	 */
	public static boolean isValid(String address) {
		try {
			parse(address);
			return true;
		}
		catch (AddressException ex) {
			return false;
		}
	}

}
