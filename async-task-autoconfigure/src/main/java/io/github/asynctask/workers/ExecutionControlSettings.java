package io.github.asynctask.workers;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How the worker pool controls execution beyond queueing: retries, timeouts and virtual threads.
 * @param maxBackoff the longest delay between two attempts of a task
 * @param timeoutGrace how long a timed-out attempt's thread may ignore its interrupt before it is left behind and
 * its worker goes on with a fresh thread
 * @param virtualThreads whether each task runs on its own virtual thread (Java 21+)
 * @param workerConcurrency with virtual threads, the most tasks one worker runs at once
 */
public record ExecutionControlSettings(Duration maxBackoff, Duration timeoutGrace, boolean virtualThreads,
		int workerConcurrency) {

	public ExecutionControlSettings {
		Assert.isTrue(!maxBackoff.isNegative() && !maxBackoff.isZero(), "maxBackoff must be positive");
		Assert.isTrue(!timeoutGrace.isNegative(), "timeoutGrace must not be negative");
		Assert.isTrue(workerConcurrency >= 1, "workerConcurrency must be at least 1");
	}

	/** Defaults: backoff up to 10 minutes, 1 second of grace, platform threads. */
	public static ExecutionControlSettings defaults() {
		return new ExecutionControlSettings(Duration.ofMinutes(10), Duration.ofSeconds(1), false, 100);
	}

}
