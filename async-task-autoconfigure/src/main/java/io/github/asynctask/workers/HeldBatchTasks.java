package io.github.asynctask.workers;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Consumer;

import io.github.asynctask.execution.Task;
import org.jspecify.annotations.Nullable;

/**
 * Tasks of a batch ({@code dispatchAllAndWait}, {@code submitAll}) that a worker took before their batch was
 * accepted whole: set aside in order, each asking to wake the worker when it is released or withdrawn, and taken
 * again once released.
 * <p>
 * Threading: the worker's current shift only (or the stop once no shift runs); {@link #count} from any thread.
 */
final class HeldBatchTasks {

	private final ArrayDeque<Task> tasks = new ArrayDeque<>();

	private volatile int count;

	/** Sets a held task aside; {@code wakeUp} runs when it is released or withdrawn. */
	void setAside(Task task, Runnable wakeUp) {
		this.tasks.addLast(task);
		this.count = this.tasks.size();
		task.onRelease(wakeUp); // then re-checked by hasReleased() before the worker parks
	}

	/** The first task set aside that is no longer held (released, or withdrawn/cancelled), or {@code null}. */
	@Nullable Task pollReleased() {
		if (this.count == 0) {
			return null;
		}
		for (Iterator<Task> it = this.tasks.iterator(); it.hasNext();) {
			Task task = it.next();
			if (!task.isHeld()) {
				it.remove();
				this.count = this.tasks.size();
				return task;
			}
		}
		return null;
	}

	boolean hasReleased() {
		if (this.count == 0) {
			return false;
		}
		for (Task task : this.tasks) {
			if (!task.isHeld()) {
				return true;
			}
		}
		return false;
	}

	int count() {
		return this.count;
	}

	/** Hands every task set aside to {@code action} (at a stop). */
	void drain(Consumer<Task> action) {
		Task task;
		while ((task = this.tasks.pollFirst()) != null) {
			action.accept(task);
		}
		this.count = 0;
	}

}
