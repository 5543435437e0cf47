package io.github.asynctask.transport.redis;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * A long-lived connection of one thread of the transport, from the application's {@link RedisConnectionFactory},
 * re-opened after an error with a growing back-off (50ms doubling to 2s). The thread that holds it never dies of a
 * Redis error: it logs once per outage (WARN) and once on recovery (INFO).
 * <p>
 * Threading: owned by one thread.
 */
final class RedisConnections {

	private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);

	private final RedisConnectionFactory factory;

	private final String owner;

	private final Log logger;

	private @Nullable RedisConnection connection;

	private long backoffNanos;

	private int failures;

	RedisConnections(RedisConnectionFactory factory, String owner, Log logger) {
		this.factory = factory;
		this.owner = owner;
		this.logger = logger;
	}

	/** The connection, opened if needed. */
	RedisConnection get() {
		RedisConnection connection = this.connection;
		if (connection == null || connection.isClosed()) {
			// the factory's pipelining flush policy stays as the application set it: with Lettuce, a policy that
			// buffers commands (flush on close) leaves a pipeline hanging until the command timeout when the
			// connection is dropped mid-pipeline (the re-connected connection does not flush what it re-queued)
			connection = this.factory.getConnection();
			this.connection = connection;
		}
		return connection;
	}

	/** A call succeeded: the back-off starts over. */
	void succeeded() {
		if (this.failures > 0) {
			this.logger.info("The " + this.owner + " reaches Redis again after " + this.failures + " failed attempt"
					+ ((this.failures == 1) ? "" : "s"));
			this.failures = 0;
		}
		this.backoffNanos = 0;
	}

	/**
	 * A call failed: closes the connection and waits the back-off (or until the thread is unparked or stopping).
	 */
	void failed(Throwable error, boolean running) {
		close();
		if (!running) {
			return;
		}
		if (this.failures++ == 0) {
			this.logger.warn("The " + this.owner + " lost Redis; retrying with back-off: " + error, error);
		}
		else if (this.logger.isDebugEnabled()) {
			this.logger.debug("The " + this.owner + " still cannot reach Redis: " + error);
		}
		this.backoffNanos = (this.backoffNanos == 0) ? MIN_BACKOFF_NANOS
				: Math.min(MAX_BACKOFF_NANOS, this.backoffNanos * 2);
		LockSupport.parkNanos(this, this.backoffNanos);
	}

	/** Closes the connection, quietly. */
	void close() {
		RedisConnection connection = this.connection;
		this.connection = null;
		if (connection != null) {
			try {
				connection.close();
			}
			catch (RuntimeException ex) {
				// already broken
			}
		}
	}

}
