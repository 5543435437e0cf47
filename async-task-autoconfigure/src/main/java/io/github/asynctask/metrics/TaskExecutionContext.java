package io.github.asynctask.metrics;

import java.util.Map;

import io.github.asynctask.TaskStatus;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.jspecify.annotations.Nullable;

/**
 * The context of an {@code async.task.execution} observation: the task, its attempts and, once decided, its
 * outcome. Its carrier holds the headers its dispatch was traced with, if any.
 * <p>
 * Threading: filled by the threads that run the task's attempts and deliver its outcome, one after the other.
 */
public class TaskExecutionContext extends ReceiverContext<Map<String, String>> {

	private final String taskName;

	private final long taskId;

	private int attempts;

	private @Nullable TaskStatus status;

	/**
	 * A context for one task's execution.
	 * @param taskName the task name
	 * @param taskId the task id
	 * @param carrier the headers its dispatch was traced with, {@code null} if it was not observed
	 */
	public TaskExecutionContext(String taskName, long taskId, @Nullable Map<String, String> carrier) {
		super((headers, key) -> (headers != null) ? headers.get(key) : null, Kind.CONSUMER);
		this.taskName = taskName;
		this.taskId = taskId;
		if (carrier != null) {
			setCarrier(carrier);
		}
	}

	/** The task name. */
	public String getTaskName() {
		return this.taskName;
	}

	/** The task id. */
	public long getTaskId() {
		return this.taskId;
	}

	/** The attempts made so far. */
	public int getAttempts() {
		return this.attempts;
	}

	public void setAttempts(int attempts) {
		this.attempts = attempts;
	}

	/** The task's outcome; {@code null} until it is decided. */
	public @Nullable TaskStatus getStatus() {
		return this.status;
	}

	public void setStatus(@Nullable TaskStatus status) {
		this.status = status;
	}

}
