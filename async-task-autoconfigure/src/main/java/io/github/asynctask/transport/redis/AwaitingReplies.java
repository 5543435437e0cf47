package io.github.asynctask.transport.redis;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.github.asynctask.execution.Task;
import org.jspecify.annotations.Nullable;

/**
 * The tasks dispatched on this node whose outcome has not arrived, by task id: the writer adds them, the reply
 * reader, a cancel, a stop or the {@link ReplyExpiry} takes them out; whoever takes one out decides its outcome. It also
 * counts, per task name, those whose reply could no longer come ({@link #expired}), over every run of the node.
 * <p>
 * Threading: concurrent.
 */
final class AwaitingReplies {

	private final ConcurrentHashMap<Long, Task> tasks = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, LongAdder> expired = new ConcurrentHashMap<>();

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

	/** Counts a task taken out because its reply could no longer come. */
	void expired(Task task) {
		this.expired.computeIfAbsent(task.taskName(), (name) -> new LongAdder()).increment();
	}

	/** Tasks of this name whose reply could no longer come, since the node started. */
	long expired(String taskName) {
		LongAdder count = this.expired.get(taskName);
		return (count != null) ? count.sum() : 0;
	}

}
