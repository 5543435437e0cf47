package io.github.asynctask.workers;

import org.jspecify.annotations.Nullable;

/**
 * Padding on both sides of a hot field group, through the class hierarchy (HotSpot lays out a superclass's fields
 * before a subclass's, but reorders fields within one class), so that the group has its cache lines to itself: the
 * group's class extends {@link Left}, and its subclass declares the right-hand padding.
 */
final class Padded {

	private Padded() {
	}

	@SuppressWarnings("unused")
	abstract static class Left {

		private long p01, p02, p03, p04, p05, p06, p07, p08;

	}

	/** What a {@link WorkerShift}'s thread writes per task, read by stats, the watchdog and the stop. */
	@SuppressWarnings("unused")
	abstract static class ShiftFields extends Left {

		/** The task running now, {@code ABANDONED} if the shift's thread was left behind, or {@code null}. */
		volatile @Nullable Object running;

		/** Tasks run by the shift, for {@code task-max-request}. */
		int runs;

	}

	/** What a worker's platform thread counts per task ({@link WorkerCounters}), read only by stats. */
	@SuppressWarnings("unused")
	abstract static class CounterFields extends Left {

		long processed;

		long failed;

	}

}
