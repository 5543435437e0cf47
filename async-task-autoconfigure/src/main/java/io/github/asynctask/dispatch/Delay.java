package io.github.asynctask.dispatch;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * When the tasks of a {@code TaskTemplate} view may start: now, a delay after each dispatch ({@code after}), or an
 * instant ({@code at}). Immutable; made once per view, read once per dispatch as a delay in nanoseconds.
 */
final class Delay {

	/** The longest delay: 100 years, so that due times on {@link System#nanoTime()} compare without overflow. */
	static final Duration MAX = Duration.ofDays(36_500);

	static final Delay NONE = new Delay(0, null);

	private final long nanos;

	private final @Nullable Instant at;

	private Delay(long nanos, @Nullable Instant at) {
		this.nanos = nanos;
		this.at = at;
	}

	static Delay after(Duration delay) {
		if (delay.compareTo(MAX) > 0) {
			throw tooLong("after(" + delay + ")");
		}
		return new Delay(Math.max(0, delay.toNanos()), null);
	}

	static Delay at(Instant when) {
		return new Delay(0, when);
	}

	/**
	 * The delay of a task dispatched now.
	 * @return nanoseconds from now, 0 or less meaning now
	 * @throws IllegalArgumentException if an instant is more than {@link #MAX} away
	 */
	long nanosFromNow() {
		Instant at = this.at;
		if (at == null) {
			return this.nanos;
		}
		Duration delay = Duration.between(Instant.now(), at);
		if (delay.compareTo(MAX) > 0) {
			throw tooLong("at(" + at + ")");
		}
		return delay.isNegative() ? 0 : delay.toNanos();
	}

	private static IllegalArgumentException tooLong(String what) {
		return new IllegalArgumentException("The delay of " + what + " is longer than the longest supported, "
				+ MAX.toDays() + " days (100 years); dispatch such a task nearer its time.");
	}

	@Override
	public String toString() {
		return (this.at != null) ? "at " + this.at : "after " + Duration.ofNanos(this.nanos);
	}

}
