package io.github.asynctask.autoconfigure.redis;

/**
 * Thrown at startup when {@code async-task.transport=redis} cannot be honoured: no Spring Data Redis, or no
 * {@code RedisConnectionFactory} bean to use.
 */
public class RedisTransportUnavailableException extends RuntimeException {

	private final String reason;

	RedisTransportUnavailableException(String reason) {
		super("async-task.transport=redis needs the application's RedisConnectionFactory, but " + reason + ".");
		this.reason = reason;
	}

	String reason() {
		return this.reason;
	}

}
