package io.github.asynctask.transport.redis;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import io.github.asynctask.execution.Task;
import org.jspecify.annotations.Nullable;

/**
 * The tasks dispatched on this node whose outcome has not arrived, by task id: the writer adds them, the reply
 * reader, a cancel or a stop takes them out; whoever takes one out decides its outcome.
 * <p>
 * Threading: concurrent.
 */
final class AwaitingReplies {

	private final ConcurrentHashMap<Long, Task> tasks = new ConcurrentHashMap<>();

	void add(Task task) {
		this.tasks.put(task.taskId(), task);
	}

	@Nullable Task get(long taskId) {
		return this.tasks.get(taskId);
	}

	/** Takes out the task with this id, if it still waits. */
	@Nullable Task take(long taskId) {
		return this.tasks.remove(taskId);
	}

	/** Takes out this task, if it still waits; {@code true} for the one caller that did. */
	boolean take(Task task) {
		return this.tasks.remove(task.taskId(), task);
	}

	boolean isEmpty() {
		return this.tasks.isEmpty();
	}

	int size() {
		return this.tasks.size();
	}

	List<Task> all() {
		return List.copyOf(this.tasks.values());
	}

}
