package io.github.asynctask.execution;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The delay before a retry: the handler's first backoff, doubled for each further retry, with +-25% jitter so that
 * tasks that failed together do not retry together, and never longer than {@code max-backoff}.
 * <p>
 * Threading: stateless; any thread.
 */
public final class Backoff {

	/** The jitter: the delay is drawn from [75%, 125%] of the doubled backoff. */
	static final double JITTER = 0.25;

	private Backoff() {
	}

	/**
	 * The delay before a retry.
	 * @param first the backoff before the first retry
	 * @param retry which retry this is: 1 for the first (after attempt 1), 2 for the second ...
	 * @param max the longest delay
	 * @return the delay in nanoseconds, in [0, max]
	 */
	public static long delayNanos(Duration first, int retry, Duration max) {
		return delayNanos(first, retry, max, ThreadLocalRandom.current().nextDouble());
	}

	/**
	 * The delay before a retry, with the jitter drawn from {@code random}.
	 * @param random uniform in [0, 1): 0 gives 75% of the doubled backoff, 0.5 gives 100%, towards 1 gives 125%
	 */
	static long delayNanos(Duration first, int retry, Duration max, double random) {
		long maxNanos = saturatedNanos(max);
		long base = saturatedNanos(first);
		if (base == 0) {
			return 0;
		}
		// doubling: stop as soon as the cap is reached (and before a long overflows)
		for (int i = 1; i < retry && base < maxNanos; i++) {
			base = (base > Long.MAX_VALUE / 2) ? Long.MAX_VALUE : base * 2;
		}
		double jittered = base * (1 - JITTER + 2 * JITTER * random);
		return (jittered >= maxNanos) ? maxNanos : (long) jittered;
	}

	private static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

}
