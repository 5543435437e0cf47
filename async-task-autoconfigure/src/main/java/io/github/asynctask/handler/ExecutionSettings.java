package io.github.asynctask.handler;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * How the tasks of one handler are run: retries, the first backoff, the timeout of an attempt, which errors are
 * retried, and how many of its tasks may run at once. Read from {@code @OnTask} at startup, then overridden by
 * {@code async-task.tasks.<name>.*} ({@link Overrides}).
 * <p>
 * Threading: immutable.
 */
public final class ExecutionSettings {

	/** The first backoff when none is given: 100 ms. */
	public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(100);

	/** No retries, no timeout, no concurrency limit. */
	public static final ExecutionSettings DEFAULT = new ExecutionSettings(0, DEFAULT_BACKOFF, null, List.of(),
			List.of(), 0);

	private final int retries;

	private final Duration backoff;

	private final @Nullable Duration timeout;

	private final long timeoutNanos;

	private final Class<?>[] retryOn;

	private final Class<?>[] noRetryOn;

	private final int maxConcurrency;

	/**
	 * @param retries attempts after the first, at least 0
	 * @param backoff delay before the first retry, not negative
	 * @param timeout longest an attempt may run, positive; {@code null} for no limit
	 * @param retryOn retry only errors of these types; empty: any {@link Exception}
	 * @param noRetryOn never retry errors of these types
	 * @param maxConcurrency most tasks of this handler running at once; 0 for no limit
	 */
	public ExecutionSettings(int retries, Duration backoff, @Nullable Duration timeout,
			List<Class<? extends Throwable>> retryOn, List<Class<? extends Throwable>> noRetryOn, int maxConcurrency) {
		this(retries, backoff, timeout, retryOn.toArray(Class<?>[]::new), noRetryOn.toArray(Class<?>[]::new),
				maxConcurrency);
	}

	private ExecutionSettings(int retries, Duration backoff, @Nullable Duration timeout, Class<?>[] retryOn,
			Class<?>[] noRetryOn, int maxConcurrency) {
		if (retries < 0) {
			throw new IllegalArgumentException("retries must be 0 or more, but was " + retries);
		}
		if (backoff.isNegative()) {
			throw new IllegalArgumentException("backoff must not be negative, but was " + backoff);
		}
		if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
			throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
		}
		if (maxConcurrency < 0) {
			throw new IllegalArgumentException("maxConcurrency must be 0 (no limit) or more, but was " + maxConcurrency);
		}
		this.retries = retries;
		this.backoff = backoff;
		this.timeout = timeout;
		this.timeoutNanos = (timeout != null) ? saturatedNanos(timeout) : 0;
		this.retryOn = retryOn;
		this.noRetryOn = noRetryOn;
		this.maxConcurrency = maxConcurrency;
	}

	/** Attempts after the first: 0 runs the handler once. */
	public int retries() {
		return this.retries;
	}

	/** The delay before the first retry; each further one doubles it (with jitter, up to {@code max-backoff}). */
	public Duration backoff() {
		return this.backoff;
	}

	/** The longest an attempt may run; {@code null} for no limit. */
	public @Nullable Duration timeout() {
		return this.timeout;
	}

	/** The timeout in nanoseconds (computed once); 0 for no limit. */
	public long timeoutNanos() {
		return this.timeoutNanos;
	}

	private static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE / 2;
		}
	}

	/** Whether the handler's attempts have a timeout. */
	public boolean hasTimeout() {
		return this.timeout != null;
	}

	/** The most tasks of this handler running at once on this node; 0 for no limit. */
	public int maxConcurrency() {
		return this.maxConcurrency;
	}

	/** The types that {@link #isRetryable} accepts; empty for any {@link Exception}. */
	public List<Class<?>> retryOn() {
		return List.of(this.retryOn);
	}

	/** The types that {@link #isRetryable} refuses. */
	public List<Class<?>> noRetryOn() {
		return List.of(this.noRetryOn);
	}

	/**
	 * Whether an attempt that failed with this error may be retried (when retries remain): not an instance of a
	 * {@code noRetryOn} type, and an instance of a {@code retryOn} type, or any {@link Exception} if none is given.
	 */
	public boolean isRetryable(Throwable error) {
		for (Class<?> type : this.noRetryOn) {
			if (type.isInstance(error)) {
				return false;
			}
		}
		if (this.retryOn.length == 0) {
			return error instanceof Exception;
		}
		for (Class<?> type : this.retryOn) {
			if (type.isInstance(error)) {
				return true;
			}
		}
		return false;
	}

	/** These settings with the given overrides applied (a {@code null} override keeps the value). */
	public ExecutionSettings with(Overrides overrides) {
		Duration timeout = this.timeout;
		if (overrides.timeout() != null) {
			timeout = overrides.timeout().isZero() ? null : overrides.timeout();
		}
		return new ExecutionSettings((overrides.retries() != null) ? overrides.retries() : this.retries,
				(overrides.backoff() != null) ? overrides.backoff() : this.backoff, timeout, this.retryOn,
				this.noRetryOn,
				(overrides.maxConcurrency() != null) ? overrides.maxConcurrency() : this.maxConcurrency);
	}

	@Override
	public String toString() {
		return "retries=" + this.retries + ", backoff=" + this.backoff + ", timeout="
				+ ((this.timeout != null) ? this.timeout : "none") + ", retryOn=" + Arrays.toString(this.retryOn)
				+ ", noRetryOn=" + Arrays.toString(this.noRetryOn) + ", maxConcurrency="
				+ ((this.maxConcurrency > 0) ? this.maxConcurrency : "none");
	}

	/**
	 * What configuration overrides for one task name ({@code async-task.tasks.<name>.*}); {@code null} keeps the
	 * annotation's value. A zero {@code timeout} removes the annotation's timeout.
	 */
	public record Overrides(@Nullable Integer retries, @Nullable Duration backoff, @Nullable Duration timeout,
			@Nullable Integer maxConcurrency) {

		/** Nothing overridden. */
		public static final Overrides NONE = new Overrides(null, null, null, null);

	}

}
