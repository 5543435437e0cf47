package io.github.asynctask.transport.redis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a consuming node holds: the entries it read (or took over) and has not acknowledged, per stream
 * ({@link TaskStream#held()}), and its room: how many more it may take, so that it takes only what its workers can
 * start now plus a small prefetch. A reader {@link #reserve reserves} room before each read and gives it back after
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

	private final int max;

	private final AtomicLong counts = new AtomicLong();

	private final List<Runnable> onRoom = new CopyOnWriteArrayList<>();

	/**
	 * @param startable how many tasks the node's workers can start at once
	 * @param prefetch how many more it may hold queued
	 */
	HeldEntries(int startable, int prefetch) {
		this.max = startable + prefetch;
	}

	/** What to run when room frees up (wakes a reader). */
	void onRoom(Runnable onRoom) {
		this.onRoom.add(onRoom);
	}

	/** The most entries the node holds unfinished. */
	int max() {
		return this.max;
	}

	/** Room left now, reservations deducted (a hint: take it with {@link #reserve}). */
	int room() {
		long counts = this.counts.get();
		return this.max - unfinished(counts) - reserved(counts);
	}

	/** Entries held now whose task has not finished (queued or running here). */
	int unfinished() {
		return unfinished(this.counts.get());
	}

	/**
	 * Reserves room for a read; give it back with {@link #unreserve} when the read's entries are held.
	 * @param takeover whether the lease keeper asks: it may use room that blocked reads reserved
	 * @return how much it got, at most {@code wanted}; 0 if the node is full
	 */
	int reserve(int wanted, boolean takeover) {
		while (true) {
			long counts = this.counts.get();
			int free = this.max - unfinished(counts) - (takeover ? 0 : reserved(counts));
			int granted = Math.min(wanted, free);
			if (granted <= 0) {
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
