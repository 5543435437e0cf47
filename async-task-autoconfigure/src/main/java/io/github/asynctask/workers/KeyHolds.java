package io.github.asynctask.workers;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.github.asynctask.execution.Task;
import org.jspecify.annotations.Nullable;

/**
 * A worker's keys whose task is not decided yet while it waits (for its next attempt, for a place under its
 * {@code max-concurrency}) or runs on a virtual thread: later tasks of such a key are set aside behind it, and run,
 * in order, before anything queued once it is decided. So one key's tasks keep their dispatch order through retries
 * and limits.
 * <p>
 * Threading: {@link #hold} from any thread (whoever requeued or parked the task); everything else from the worker's
 * current shift, or from the stop once no shift runs.
 */
final class KeyHolds {

	private final ConcurrentHashMap<Object, Hold> holds = new ConcurrentHashMap<>();

	/** Tasks set aside behind a hold that ended, to run before anything queued. */
	private final ArrayDeque<Task> released = new ArrayDeque<>();

	/** Tasks set aside behind holds, or released from them and not yet taken: they count as queued. */
	private volatile int count;

	/** Makes later tasks of {@code key} wait behind {@code holder} until it is decided. */
	void hold(Object key, Task holder) {
		this.holds.putIfAbsent(key, new Hold(holder));
	}

	/** Sets a task aside if its key is held by another task; {@code true} if it was. */
	boolean setAside(Task task) {
		if (this.holds.isEmpty()) {
			return false;
		}
		Object key = task.routing().key();
		if (key == null) {
			return false;
		}
		Hold hold = this.holds.get(key);
		if (hold == null || hold.holder == task) {
			return false;
		}
		hold.waiting.addLast(task);
		this.count++;
		return true;
	}

	/**
	 * The next task released from a hold that ended, or {@code null}. Holds end only in {@link #releaseEnded}, once
	 * per take: a hold ending while the released tasks are being taken must not append its tasks behind them.
	 */
	@Nullable Task pollReleased() {
		if (this.count == 0) {
			return null;
		}
		Task task = this.released.pollFirst();
		if (task != null) {
			this.count--;
		}
		return task;
	}

	/**
	 * Releases the holds whose task was decided: what waited behind them runs next, in order. Called once before the
	 * released tasks are taken; a task taken then whose key is held again is set aside behind the new hold, in order.
	 */
	void releaseEnded() {
		if (this.holds.isEmpty()) {
			return;
		}
		for (Iterator<Hold> it = this.holds.values().iterator(); it.hasNext();) {
			Hold hold = it.next();
			if (hold.holder.isDecided()) {
				it.remove();
				this.released.addAll(hold.waiting);
			}
		}
	}

	/** Whether a set-aside task may be taken now. */
	boolean hasReleasable() {
		if (this.count == 0) {
			return false;
		}
		if (!this.released.isEmpty()) {
			return true;
		}
		for (Hold hold : this.holds.values()) {
			if (hold.holder.isDecided()) {
				return true;
			}
		}
		return false;
	}

	int count() {
		return this.count;
	}

	/** Takes every hold away and hands each task set aside to {@code action} (at a stop). */
	void drain(Consumer<Task> action) {
		for (Hold hold : this.holds.values()) {
			this.released.addAll(hold.waiting);
		}
		this.holds.clear();
		Task task;
		while ((task = this.released.pollFirst()) != null) {
			action.accept(task);
		}
		this.count = 0;
	}

	/** A key's undecided task, and the later tasks of the key set aside behind it. */
	private static final class Hold {

		final Task holder;

		final ArrayDeque<Task> waiting = new ArrayDeque<>();

		Hold(Task holder) {
			this.holder = holder;
		}

	}

}
