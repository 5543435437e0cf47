package io.github.asynctask.metrics;

import io.github.asynctask.TaskStatus;
import io.github.asynctask.metrics.TaskObservationDocumentation.HighCardinalityKeyNames;
import io.github.asynctask.metrics.TaskObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The default {@link TaskExecutionObservationConvention}: observation {@code async.task.execution}, contextual
 * name {@code "<task> execute"}, low-cardinality key values {@code task}, {@code outcome} (a {@code TaskStatus}
 * name, {@code UNKNOWN} before it is decided) and {@code exception}, high-cardinality {@code task.id} and
 * {@code attempt}.
 */
public class DefaultTaskExecutionObservationConvention implements TaskExecutionObservationConvention {

	private static final String DEFAULT_NAME = "async.task.execution";

	private static final KeyValue[] OUTCOMES;

	static {
		TaskStatus[] statuses = TaskStatus.values();
		OUTCOMES = new KeyValue[statuses.length];
		for (TaskStatus status : statuses) {
			OUTCOMES[status.ordinal()] = KeyValue.of(LowCardinalityKeyNames.OUTCOME, status.name());
		}
	}

	private static final KeyValue OUTCOME_UNKNOWN = KeyValue.of(LowCardinalityKeyNames.OUTCOME, "UNKNOWN");

	private static final KeyValue EXCEPTION_NONE = KeyValue.of(LowCardinalityKeyNames.EXCEPTION, KeyValue.NONE_VALUE);

	@Override
	public String getName() {
		return DEFAULT_NAME;
	}

	@Override
	public String getContextualName(TaskExecutionContext context) {
		return context.getTaskName() + " execute";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(TaskExecutionContext context) {
		return KeyValues.of(task(context), outcome(context), exception(context));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(TaskExecutionContext context) {
		return KeyValues.of(taskId(context), attempt(context));
	}

	protected KeyValue task(TaskExecutionContext context) {
		return KeyValue.of(LowCardinalityKeyNames.TASK, context.getTaskName());
	}

	protected KeyValue outcome(TaskExecutionContext context) {
		TaskStatus status = context.getStatus();
		return (status != null) ? OUTCOMES[status.ordinal()] : OUTCOME_UNKNOWN;
	}

	protected KeyValue exception(TaskExecutionContext context) {
		Throwable error = context.getError();
		if (error == null) {
			return EXCEPTION_NONE;
		}
		return KeyValue.of(LowCardinalityKeyNames.EXCEPTION, DefaultTaskDispatchObservationConvention.simpleName(error));
	}

	protected KeyValue taskId(TaskExecutionContext context) {
		return KeyValue.of(HighCardinalityKeyNames.TASK_ID, Long.toString(context.getTaskId()));
	}

	protected KeyValue attempt(TaskExecutionContext context) {
		return KeyValue.of(HighCardinalityKeyNames.ATTEMPT, Integer.toString(context.getAttempts()));
	}

}
