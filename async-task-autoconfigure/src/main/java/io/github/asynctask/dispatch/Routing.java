package io.github.asynctask.dispatch;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Where a task may run, as chosen by the {@code TaskTemplate} view that dispatched it: any worker, one worker
 * ({@code onWorker}), or the worker (or, across nodes, the stream) that a key maps to ({@code withKey}). A
 * transport decides what a key maps to. Immutable; made once per view, never per task.
 */
public final class Routing {

	private static final Routing ANY = new Routing(-1, null);

	private final int worker;

	private final @Nullable Object key;

	private final int keyHash;

	private Routing(int worker, @Nullable Object key) {
		this.worker = worker;
		this.key = key;
		int h = (key != null) ? key.hashCode() : 0;
		this.keyHash = h ^ (h >>> 16);
	}

	/** Any worker; the dispatch mode chooses. */
	public static Routing any() {
		return ANY;
	}

	/** One worker, by id. */
	public static Routing worker(int workerId) {
		if (workerId < 0) {
			throw new IllegalArgumentException("Worker id must not be negative, was " + workerId);
		}
		return new Routing(workerId, null);
	}

	/** Whatever the key maps to; tasks of one key run one at a time, in dispatch order. */
	public static Routing key(Object key) {
		return new Routing(-1, Objects.requireNonNull(key, "key must not be null"));
	}

	/** Whether the task may run on any worker. */
	public boolean isAny() {
		return this.worker < 0 && this.key == null;
	}

	/** Whether the task must run where its routing says (a worker or a key), never on the caller. */
	public boolean isPinned() {
		return !isAny();
	}

	/** The worker id of an {@code onWorker} routing, else {@code -1}. */
	public int workerId() {
		return this.worker;
	}

	/** The key of a {@code withKey} routing, else {@code null}. */
	public @Nullable Object key() {
		return this.key;
	}

	/** The slot, of {@code slots}, that this routing's key maps to; the same key always gives the same slot. */
	public int keySlot(int slots) {
		return Math.floorMod(this.keyHash, slots);
	}

	@Override
	public String toString() {
		return (this.key != null) ? "key " + this.key : (this.worker >= 0) ? "worker " + this.worker : "any worker";
	}

}
