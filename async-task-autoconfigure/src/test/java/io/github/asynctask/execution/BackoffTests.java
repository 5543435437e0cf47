package io.github.asynctask.execution;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Backoff}: doubling per retry, +-25% jitter, the cap.
 */
class BackoffTests {

	private static final Duration FIRST = Duration.ofMillis(200);

	private static final Duration MAX = Duration.ofMinutes(10);

	@Test
	void firstRetryWaitsTheBackoffWithinTwentyFivePercent() {
		assertThat(Backoff.delayNanos(FIRST, 1, MAX, 0.5)).isEqualTo(Duration.ofMillis(200).toNanos());
		assertThat(Backoff.delayNanos(FIRST, 1, MAX, 0.0)).isEqualTo(Duration.ofMillis(150).toNanos());
		assertThat(Backoff.delayNanos(FIRST, 1, MAX, 0.999999)).isBetween(Duration.ofMillis(249).toNanos(),
				Duration.ofMillis(250).toNanos());
	}

	@Test
	void eachFurtherRetryDoublesIt() {
		assertThat(Backoff.delayNanos(FIRST, 2, MAX, 0.5)).isEqualTo(Duration.ofMillis(400).toNanos());
		assertThat(Backoff.delayNanos(FIRST, 3, MAX, 0.5)).isEqualTo(Duration.ofMillis(800).toNanos());
		assertThat(Backoff.delayNanos(FIRST, 5, MAX, 0.5)).isEqualTo(Duration.ofMillis(3200).toNanos());
	}

	@Test
	void maxBackoffCapsTheDelayJitterIncluded() {
		Duration max = Duration.ofSeconds(1);
		assertThat(Backoff.delayNanos(FIRST, 3, max, 0.5)).isEqualTo(Duration.ofMillis(800).toNanos());
		assertThat(Backoff.delayNanos(FIRST, 4, max, 0.5)).isEqualTo(max.toNanos());
		assertThat(Backoff.delayNanos(FIRST, 4, max, 0.0)).isEqualTo(max.toNanos());
		assertThat(Backoff.delayNanos(FIRST, 1_000, max, 0.0)).isEqualTo(max.toNanos());
		assertThat(Backoff.delayNanos(Duration.ofDays(365_000_000L), 1, max, 0.0)).isEqualTo(max.toNanos());
	}

	@Test
	void zeroBackoffRetriesAtOnce() {
		assertThat(Backoff.delayNanos(Duration.ZERO, 3, MAX, 0.7)).isZero();
	}

	@Test
	void randomDelaysStayInTheJitterRange() {
		for (int i = 0; i < 1_000; i++) {
			assertThat(Backoff.delayNanos(FIRST, 2, MAX)).isBetween(Duration.ofMillis(300).toNanos(),
					Duration.ofMillis(500).toNanos());
		}
	}

}
