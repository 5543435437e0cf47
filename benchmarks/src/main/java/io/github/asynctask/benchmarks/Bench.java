package io.github.asynctask.benchmarks;

import java.time.Duration;

/** Settings shared by every benchmark class. */
final class Bench {

	/** Fixed heap, so that heap sizing does not differ between forks. */
	static final String XMS = "-Xms2g";

	static final String XMX = "-Xmx2g";

	/** Touch the heap at start: otherwise first-touch page faults land inside the measurement of whoever allocates. */
	static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

	/** Upper bound for any wait inside a benchmark: a stuck implementation fails instead of hanging. */
	static final Duration TIMEOUT = Duration.ofMinutes(1);

	private Bench() {
	}

}
