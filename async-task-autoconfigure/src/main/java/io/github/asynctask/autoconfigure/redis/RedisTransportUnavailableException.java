package io.github.asynctask.autoconfigure.redis;

/**
 * Thrown at startup when {@code async-task.transport=redis} cannot be honoured: no Spring Data Redis, no Jackson 3,
 * or no {@code RedisConnectionFactory} bean to use.
 */
public class RedisTransportUnavailableException extends RuntimeException {

	private final String reason;

	private final String fix;

	RedisTransportUnavailableException(String reason, String fix) {
		super("async-task.transport=redis needs the application's RedisConnectionFactory and Jackson 3, but " + reason
				+ ".");
		this.reason = reason;
		this.fix = fix;
	}

	String reason() {
		return this.reason;
	}

	/** What to add or change, without the general alternative of {@code transport=local}. */
	String fix() {
		return this.fix;
	}

}
