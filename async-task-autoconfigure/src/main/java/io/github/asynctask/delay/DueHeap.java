package io.github.asynctask.delay;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.github.asynctask.execution.Task;

/**
 * A binary min-heap of tasks by due time ({@link Task#dueNanos()}), ties in the order they were added: O(log n) to
 * add and to take the earliest. Three parallel arrays, no object per entry: 20 bytes per task (plus up to as much
 * again of spare capacity, given back when the heap empties).
 * <p>
 * Threading: none; {@link DelayedTasks} guards it with its lock.
 */
final class DueHeap {

	private static final int MIN_CAPACITY = 16;

	private long[] due = new long[MIN_CAPACITY];

	/** The order of addition, so that tasks due at the same nanosecond leave in dispatch order. */
	private long[] order = new long[MIN_CAPACITY];

	private Task[] tasks = new Task[MIN_CAPACITY];

	private int size;

	private long added;

	int size() {
		return this.size;
	}

	boolean isEmpty() {
		return this.size == 0;
	}

	void add(Task task) {
		if (this.size == this.tasks.length) {
			resize(this.size * 2);
		}
		siftUp(this.size++, task.dueNanos(), this.added++, task);
	}

	/** The earliest due time; the heap must not be empty. */
	long peekDue() {
		return this.due[0];
	}

	/** Takes the task due first; the heap must not be empty. */
	Task poll() {
		Task first = this.tasks[0];
		int last = --this.size;
		if (last > 0) {
			siftDown(0, this.due[last], this.order[last], this.tasks[last]);
		}
		this.tasks[last] = null;
		if (this.tasks.length > MIN_CAPACITY && this.size < this.tasks.length / 4) {
			resize(this.tasks.length / 2);
		}
		return first;
	}

	/** Keeps the tasks that pass, in heap order again after: O(n). */
	void retain(Predicate<Task> keep) {
		int kept = 0;
		for (int i = 0; i < this.size; i++) {
			if (keep.test(this.tasks[i])) {
				this.due[kept] = this.due[i];
				this.order[kept] = this.order[i];
				this.tasks[kept++] = this.tasks[i];
			}
		}
		Arrays.fill(this.tasks, kept, this.size, null);
		this.size = kept;
		for (int i = (kept >>> 1) - 1; i >= 0; i--) {
			siftDown(i, this.due[i], this.order[i], this.tasks[i]);
		}
	}

	/** Hands every task to {@code action}, in no order, and empties the heap. */
	void drain(Consumer<Task> action) {
		Task[] tasks = this.tasks;
		int size = this.size;
		this.size = 0;
		this.due = new long[MIN_CAPACITY];
		this.order = new long[MIN_CAPACITY];
		this.tasks = new Task[MIN_CAPACITY];
		for (int i = 0; i < size; i++) {
			action.accept(tasks[i]);
		}
	}

	private void siftUp(int index, long due, long order, Task task) {
		int i = index;
		while (i > 0) {
			int parent = (i - 1) >>> 1;
			if (!before(due, order, this.due[parent], this.order[parent])) {
				break;
			}
			move(parent, i);
			i = parent;
		}
		set(i, due, order, task);
	}

	private void siftDown(int index, long due, long order, Task task) {
		int i = index;
		int half = this.size >>> 1;
		while (i < half) {
			int child = 2 * i + 1;
			int right = child + 1;
			if (right < this.size && before(this.due[right], this.order[right], this.due[child], this.order[child])) {
				child = right;
			}
			if (!before(this.due[child], this.order[child], due, order)) {
				break;
			}
			move(child, i);
			i = child;
		}
		set(i, due, order, task);
	}

	/** Whether an entry goes before another: due first (nanoTime values compare by difference), then added first. */
	private static boolean before(long due, long order, long otherDue, long otherOrder) {
		long difference = due - otherDue;
		return difference < 0 || (difference == 0 && order < otherOrder);
	}

	private void move(int from, int to) {
		set(to, this.due[from], this.order[from], this.tasks[from]);
	}

	private void set(int index, long due, long order, Task task) {
		this.due[index] = due;
		this.order[index] = order;
		this.tasks[index] = task;
	}

	private void resize(int capacity) {
		this.due = Arrays.copyOf(this.due, capacity);
		this.order = Arrays.copyOf(this.order, capacity);
		this.tasks = Arrays.copyOf(this.tasks, capacity);
	}

}
