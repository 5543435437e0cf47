package io.github.asynctask.transport.redis;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a consuming node holds: the entries it read (or took over) and has not acknowledged, per stream
 * ({@link TaskStream#held()}), and how many of them are unfinished (queued or running here), against the most it may
 * hold. The reader reads only into the room left; a finished task makes room at once, although its lease lasts until
 * its outcome is written and acknowledged ({@link #released}).
 * <p>
 * Threading: concurrent; {@link #onRoom} is set once before the reader starts.
 */
final class HeldEntries {

	private final int max;

	private final AtomicInteger unfinished = new AtomicInteger();

	private volatile Runnable onRoom = () -> {
	};

	HeldEntries(int max) {
		this.max = max;
	}

	/** What to run when room frees up (wakes the reader). */
	void onRoom(Runnable onRoom) {
		this.onRoom = onRoom;
	}

	/** The most entries the node holds unfinished. */
	int max() {
		return this.max;
	}

	/** How many more entries it may take now. */
	int room() {
		return this.max - this.unfinished.get();
	}

	/** Entries held now whose task has not finished. */
	int unfinished() {
		return this.unfinished.get();
	}

	/** Takes an entry; {@code false} if it was held already (a read raced with a takeover). */
	boolean hold(TaskStream stream, String id) {
		if (stream.held().add(id)) {
			stream.unfinished().add(id);
			this.unfinished.incrementAndGet();
			return true;
		}
		return false;
	}

	/** The task of a held entry finished (or never will here): it makes room, its lease goes on. */
	void finished(TaskStream stream, String id) {
		if (stream.unfinished().remove(id)) {
			if (this.unfinished.decrementAndGet() < this.max) {
				this.onRoom.run();
			}
		}
	}

	/** A held entry is acknowledged (or was given up): its lease ends. */
	void released(TaskStream stream, String id) {
		finished(stream, id);
		stream.held().remove(id);
	}

}
