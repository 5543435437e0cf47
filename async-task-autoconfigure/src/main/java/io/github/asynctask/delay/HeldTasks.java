package io.github.asynctask.delay;

import io.github.asynctask.execution.Task;
import org.jspecify.annotations.Nullable;

/**
 * The delayed tasks that the timer holds, by id, for {@code cancel(id)}: an open-addressing table (linear probing,
 * a quarter to half full once grown) of ids and tasks, no object per entry: 24 to 48 bytes per task, given back as
 * it empties. Consecutive ids (a burst of dispatches) land in neighbouring slots, 16 to a block, and the blocks are
 * spread by a Fibonacci hash, so a burst writes few cache lines and no stride of ids piles up in one place.
 * <p>
 * Threading: none; {@link DelayedTasks} guards it with its lock.
 */
final class HeldTasks {

	private static final int MIN_CAPACITY = 32;

	private long[] ids = new long[MIN_CAPACITY];

	private @Nullable Task[] tasks = new Task[MIN_CAPACITY];

	private int size;

	int size() {
		return this.size;
	}

	void put(Task task) {
		if (2 * (this.size + 1) > this.tasks.length) {
			rehash(this.tasks.length * 2);
		}
		int slot = slot(task.taskId());
		while (this.tasks[slot] != null) {
			slot = next(slot);
		}
		this.ids[slot] = task.taskId();
		this.tasks[slot] = task;
		this.size++;
	}

	/** Whether this very task is held (a task that left is no longer). */
	boolean holds(Task task) {
		int slot = find(task.taskId());
		return slot >= 0 && this.tasks[slot] == task;
	}

	/**
	 * Takes a task out by id.
	 * @return the task, or {@code null} if none is held with that id
	 */
	@Nullable Task remove(long id) {
		int slot = find(id);
		if (slot < 0) {
			return null;
		}
		Task task = this.tasks[slot];
		removeAt(slot);
		return task;
	}

	/** The slot of an id, or -1. */
	private int find(long id) {
		int slot = slot(id);
		while (this.tasks[slot] != null) {
			if (this.ids[slot] == id) {
				return slot;
			}
			slot = next(slot);
		}
		return -1;
	}

	/** Forgets every task. */
	void clear() {
		this.ids = new long[MIN_CAPACITY];
		this.tasks = new Task[MIN_CAPACITY];
		this.size = 0;
	}

	/** Removes a slot and moves back the entries after it that it displaced (no tombstones). */
	private void removeAt(int slot) {
		int hole = slot;
		int i = next(hole);
		while (this.tasks[i] != null) {
			int home = slot(this.ids[i]);
			// entry i may fill the hole if its home is not in the cyclic range (hole, i]
			if (((i - home) & mask()) >= ((i - hole) & mask())) {
				this.ids[hole] = this.ids[i];
				this.tasks[hole] = this.tasks[i];
				hole = i;
			}
			i = next(i);
		}
		this.tasks[hole] = null;
		this.size--;
		if (this.tasks.length > MIN_CAPACITY && this.size < this.tasks.length / 8) {
			rehash(this.tasks.length / 2);
		}
	}

	private void rehash(int capacity) {
		long[] ids = this.ids;
		Task[] tasks = this.tasks;
		this.ids = new long[capacity];
		this.tasks = new Task[capacity];
		for (int i = 0; i < tasks.length; i++) {
			if (tasks[i] != null) {
				int slot = slot(ids[i]);
				while (this.tasks[slot] != null) {
					slot = next(slot);
				}
				this.ids[slot] = ids[i];
				this.tasks[slot] = tasks[i];
			}
		}
	}

	private int mask() {
		return this.tasks.length - 1;
	}

	private int slot(long id) {
		long block = (id >>> 4) * 0x9E3779B97F4A7C15L; // Fibonacci hashing of the block of 16 ids
		return ((int) (block ^ (block >>> 32)) << 4 | (int) (id & 15)) & mask();
	}

	private int next(int slot) {
		return (slot + 1) & mask();
	}

}
