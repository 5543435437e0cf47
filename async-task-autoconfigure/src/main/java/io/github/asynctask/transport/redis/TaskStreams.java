package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.asynctask.handler.TaskHandler;
import org.jspecify.annotations.Nullable;

/**
 * The task streams of this application's task names, made once at start: by handler index (the dispatch path) and
 * by name.
 * <p>
 * Threading: immutable.
 */
final class TaskStreams {

	private final TaskStream[] byIndex;

	private final Map<String, TaskStream> byName;

	TaskStreams(List<TaskHandler> handlers, RedisKeys keys, JsonCodec json, int maxPayloadBytes) {
		int size = 0;
		for (TaskHandler handler : handlers) {
			size = Math.max(size, handler.index() + 1);
		}
		this.byIndex = new TaskStream[size];
		Map<String, TaskStream> byName = new LinkedHashMap<>();
		for (TaskHandler handler : handlers) {
			TaskStream stream = new TaskStream(keys, handler, json, maxPayloadBytes);
			this.byIndex[handler.index()] = stream;
			byName.put(handler.name(), stream);
		}
		this.byName = Collections.unmodifiableMap(byName);
	}

	/**
	 * The stream of a handler.
	 * @throws IllegalStateException if the handler is not one of those the transport started with
	 */
	TaskStream of(TaskHandler handler) {
		int index = handler.index();
		if (index >= 0 && index < this.byIndex.length && this.byIndex[index] != null
				&& this.byIndex[index].handler == handler) {
			return this.byIndex[index];
		}
		throw new IllegalStateException("Task handler '" + handler.name() + "' is not known to the Redis transport "
				+ "(was the server started?)");
	}

	@Nullable TaskStream named(String taskName) {
		return this.byName.get(taskName);
	}

	List<TaskStream> all() {
		return new ArrayList<>(this.byName.values());
	}

	boolean isEmpty() {
		return this.byName.isEmpty();
	}

}
