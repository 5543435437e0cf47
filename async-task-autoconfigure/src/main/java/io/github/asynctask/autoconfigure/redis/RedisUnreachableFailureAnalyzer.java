package io.github.asynctask.autoconfigure.redis;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * Explains a startup that failed because the Redis transport could not reach Redis: where it looked (from
 * {@code spring.data.redis.*}), why it could not connect, in one line, and the three ways out. It claims only a
 * {@code RedisConnectionFailureException} thrown while the Redis transport connects (seen in its stack trace), so a
 * connection failure of the application's own beans keeps Spring Boot's report. Names only, no Spring Data Redis
 * types: this analyzer loads without it.
 */
class RedisUnreachableFailureAnalyzer implements FailureAnalyzer {

	private static final String CONNECTION_FAILURE = "org.springframework.data.redis.RedisConnectionFailureException";

	private static final String TRANSPORT_PACKAGE = "io.github.asynctask.transport.redis.";

	private final Environment environment;

	RedisUnreachableFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		Throwable connectionFailure = transportConnectionFailure(failure);
		if (connectionFailure == null) {
			return null;
		}
		Target target = target();
		return new FailureAnalysis("async-task.transport is 'redis', but the task server could not reach "
				+ target.where + " when it started: " + oneLine(rootCause(connectionFailure)) + ".",
				"Start Redis there" + target.example + "; or point " + target.properties
						+ " at your Redis; or set async-task.transport=local to run tasks in this process. "
						+ "(In tests, async-task.inline=true starts no transport and needs no Redis.)",
				failure);
	}

	private static @Nullable Throwable transportConnectionFailure(Throwable failure) {
		for (Throwable ex = failure; ex != null; ex = (ex.getCause() != ex) ? ex.getCause() : null) {
			if (isConnectionFailure(ex.getClass()) && thrownInTransport(ex)) {
				return ex;
			}
		}
		return null;
	}

	private static boolean isConnectionFailure(Class<?> type) {
		for (Class<?> c = type; c != null; c = c.getSuperclass()) {
			if (c.getName().equals(CONNECTION_FAILURE)) {
				return true;
			}
		}
		return false;
	}

	private static boolean thrownInTransport(Throwable ex) {
		for (StackTraceElement frame : ex.getStackTrace()) {
			if (frame.getClassName().startsWith(TRANSPORT_PACKAGE)) {
				return true;
			}
		}
		return false;
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

	private static String oneLine(Throwable ex) {
		String message = ex.getMessage();
		String text = ex.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
		int newline = text.indexOf('\n');
		return ((newline >= 0) ? text.substring(0, newline) : text).strip();
	}

	/** Where Spring Boot's Redis connection looks, as the spring.data.redis.* properties say. */
	private Target target() {
		String url = this.environment.getProperty("spring.data.redis.url");
		if (url != null && !url.isBlank()) {
			return new Target("Redis at " + withoutPassword(url) + " (spring.data.redis.url)", "",
					"spring.data.redis.url");
		}
		String cluster = this.environment.getProperty("spring.data.redis.cluster.nodes");
		if (cluster != null && !cluster.isBlank()) {
			return new Target("the Redis Cluster nodes " + cluster + " (spring.data.redis.cluster.nodes)", "",
					"spring.data.redis.cluster.nodes");
		}
		String sentinel = this.environment.getProperty("spring.data.redis.sentinel.nodes");
		if (sentinel != null && !sentinel.isBlank()) {
			return new Target("the Redis Sentinels " + sentinel + " (spring.data.redis.sentinel.nodes)", "",
					"spring.data.redis.sentinel.nodes");
		}
		String host = this.environment.getProperty("spring.data.redis.host", "localhost");
		String port = this.environment.getProperty("spring.data.redis.port", "6379");
		return new Target("Redis at " + host + ":" + port + " (spring.data.redis.host and spring.data.redis.port"
				+ "; their defaults are localhost and 6379)",
				" (for example redis-server --port " + port + ", or docker run -p " + port + ":6379 redis:7)",
				"spring.data.redis.host and spring.data.redis.port (or spring.data.redis.url)");
	}

	private static String withoutPassword(String url) {
		int scheme = url.indexOf("://");
		int at = url.lastIndexOf('@');
		return (scheme >= 0 && at > scheme) ? url.substring(0, scheme + 3) + "***@" + url.substring(at + 1) : url;
	}

	private record Target(String where, String example, String properties) {
	}

}
