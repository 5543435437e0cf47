package io.github.asynctask.transport.redis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a consuming node holds: the entries it read (or took over) and has not acknowledged, per stream
 * ({@link TaskStream#held()}), and its room: how many more it may take, so that it takes only what its workers can
 * start now plus a small prefetch. The prefetch is one task per worker, or, for tasks its workers finish quickly,
 * what they finish in about {@link #PREFETCH_HORIZON_NANOS} at their mean run time (at most {@code batch-size}): a
 * node then holds about a millisecond of queued work, not one task per round trip to Redis. A reader reads once
 * half the prefetch is free (or the node holds nothing), so that a read brings many entries, not the one a task that
 * just finished made room for. A reader {@link #reserve reserves} room before each read and gives it back after
 * ({@link #unreserve}), so concurrent reads never take more than the room together. The lease keeper may use room
 * that blocked reads reserved (an idle node's readers always hold some), so a takeover can exceed the room by at
 * most what reads in flight take at the same moment. A finished task makes room at once, although its lease lasts
 * until its outcome is written and acknowledged ({@link #released}).
 * <p>
 * Threading: lock-free; the two counts share one {@link AtomicLong} (reserved in the high half, unfinished in the
 * low half), so each check and update is one CAS. {@link #onRoom} is called before the readers start.
 */
final class HeldEntries {

	private static final long RESERVED = 1L << 32;

	/** The queued work a node may hold beyond what its workers run: about this long at their mean run time. */
	static final long PREFETCH_HORIZON_NANOS = 1_000_000;

	private final int startable;

	private final int minPrefetch;

	private final int maxPrefetch;

	/** The mean run time of the tasks that ran here (a moving average), or {@code -1} before the first. */
	private volatile long meanRunNanos = -1;

	private final AtomicLong counts = new AtomicLong();

	private final List<Runnable> onRoom = new CopyOnWriteArrayList<>();

	/**
	 * @param startable how many tasks the node's workers can start at once
	 * @param prefetch how many more it may hold queued, at least
	 * @param maxPrefetch how many more it may hold queued when its tasks are short
	 */
	HeldEntries(int startable, int prefetch, int maxPrefetch) {
		this.startable = startable;
		this.minPrefetch = prefetch;
		this.maxPrefetch = Math.max(prefetch, maxPrefetch);
	}

	/** What to run when room frees up (wakes a reader). */
	void onRoom(Runnable onRoom) {
		this.onRoom.add(onRoom);
	}

	/** The most entries the node holds unfinished now. */
	int max() {
		return this.startable + prefetch();
	}

	/** How many it may hold queued now: what the workers finish within the horizon, within the bounds. */
	int prefetch() {
		long mean = this.meanRunNanos;
		if (mean < 0) {
			return this.minPrefetch;
		}
		long quick = this.startable * PREFETCH_HORIZON_NANOS / Math.max(1, mean);
		return (int) Math.max(this.minPrefetch, Math.min(this.maxPrefetch, quick));
	}

	/** A task of a held entry ran here this long (feeds the prefetch). */
	void ran(long runNanos) {
		long mean = this.meanRunNanos;
		// a moving average over about the last 8 tasks; a lost update between two workers does not matter
		this.meanRunNanos = (mean < 0) ? runNanos : mean + (runNanos - mean) / 8;
	}

	/** Room left now, reservations deducted (a hint: take it with {@link #reserve}). */
	int room() {
		long counts = this.counts.get();
		return max() - unfinished(counts) - reserved(counts);
	}

	/**
	 * Whether a reader should read now: half the prefetch (at least one) is free, or the node holds nothing
	 * unfinished.
	 */
	boolean readable() {
		long counts = this.counts.get();
		int free = max() - unfinished(counts) - reserved(counts);
		return free > 0 && (free >= Math.max(1, prefetch() / 2) || unfinished(counts) == 0);
	}

	/** Entries held now whose task has not finished (queued or running here). */
	int unfinished() {
		return unfinished(this.counts.get());
	}

	/**
	 * Reserves room for a read; give it back with {@link #unreserve} when the read's entries are held.
	 * @param takeover whether the lease keeper asks: it may use room that blocked reads reserved, and takes what
	 * room there is; a reader waits until it is {@link #readable}
	 * @return how much it got, at most {@code wanted}; 0 if the node is full (or, for a reader, not readable)
	 */
	int reserve(int wanted, boolean takeover) {
		int max = max();
		int least = takeover ? 1 : Math.max(1, prefetch() / 2);
		while (true) {
			long counts = this.counts.get();
			int free = max - unfinished(counts) - (takeover ? 0 : reserved(counts));
			int granted = Math.min(wanted, free);
			if (granted <= 0 || (free < least && unfinished(counts) > 0)) {
				return 0;
			}
			if (this.counts.compareAndSet(counts, counts + granted * RESERVED)) {
				return granted;
			}
		}
	}

	/** Ends a reservation (the read's entries are held by now). */
	void unreserve(int reserved) {
		if (reserved > 0) {
			this.counts.addAndGet(-reserved * RESERVED);
			roomFreed();
		}
	}

	/**
	 * Holds an entry a read took.
	 * @return {@code false} if it was held already (a read raced with a takeover)
	 */
	boolean hold(TaskStream stream, String id) {
		if (stream.held().add(id)) {
			stream.unfinished().add(id);
			this.counts.incrementAndGet();
			return true;
		}
		return false;
	}

	/** The task of a held entry finished (or never will here): it makes room, its lease goes on. */
	void finished(TaskStream stream, String id) {
		if (stream.unfinished().remove(id)) {
			this.counts.decrementAndGet();
			roomFreed();
		}
	}

	/** A held entry is acknowledged (or was given up): its lease ends. */
	void released(TaskStream stream, String id) {
		finished(stream, id);
		stream.held().remove(id);
	}

	private void roomFreed() {
		if (!readable()) {
			return; // no reader would read yet
		}
		for (Runnable wake : this.onRoom) {
			wake.run();
		}
	}

	private static int unfinished(long counts) {
		return (int) counts;
	}

	private static int reserved(long counts) {
		return (int) (counts >>> 32);
	}

}
