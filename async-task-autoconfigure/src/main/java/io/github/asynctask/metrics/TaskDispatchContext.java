package io.github.asynctask.metrics;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

/**
 * The context of an {@code async.task.dispatch} observation. Its carrier is a map of headers that a tracing
 * handler fills with the dispatch's trace context, for the execution to continue it.
 * <p>
 * Threading: filled on the dispatching thread; read by the execution's observation on the thread that runs the
 * task, after the task's hand-over published it.
 */
public class TaskDispatchContext extends SenderContext<Map<String, String>> {

	private final String taskName;

	private final long taskId;

	private boolean accepted;

	/**
	 * A context for one dispatch.
	 * @param taskName the task name
	 * @param taskId the task id
	 */
	public TaskDispatchContext(String taskName, long taskId) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		}, Kind.PRODUCER);
		this.taskName = taskName;
		this.taskId = taskId;
		setCarrier(new HashMap<>(4));
	}

	/** The task name. */
	public String getTaskName() {
		return this.taskName;
	}

	/** The task id. */
	public long getTaskId() {
		return this.taskId;
	}

	/** Whether the task was accepted; {@code false} until it is, and for a refused dispatch. */
	public boolean isAccepted() {
		return this.accepted;
	}

	/** Records that the task was accepted. */
	public void setAccepted(boolean accepted) {
		this.accepted = accepted;
	}

	/** The headers the dispatch's trace context was written to. */
	@Override
	public @Nullable Map<String, String> getCarrier() {
		return super.getCarrier();
	}

}
