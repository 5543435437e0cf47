package io.github.asynctask.metrics;

import io.github.asynctask.metrics.TaskObservationDocumentation.HighCardinalityKeyNames;
import io.github.asynctask.metrics.TaskObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The default {@link TaskDispatchObservationConvention}: observation {@code async.task.dispatch}, contextual name
 * {@code "<task> dispatch"}, low-cardinality key values {@code task}, {@code outcome} ({@code ACCEPTED} or
 * {@code REJECTED}) and {@code exception}, high-cardinality {@code task.id}.
 */
public class DefaultTaskDispatchObservationConvention implements TaskDispatchObservationConvention {

	private static final String DEFAULT_NAME = "async.task.dispatch";

	private static final KeyValue OUTCOME_ACCEPTED = KeyValue.of(LowCardinalityKeyNames.OUTCOME, "ACCEPTED");

	private static final KeyValue OUTCOME_REJECTED = KeyValue.of(LowCardinalityKeyNames.OUTCOME, "REJECTED");

	private static final KeyValue EXCEPTION_NONE = KeyValue.of(LowCardinalityKeyNames.EXCEPTION, KeyValue.NONE_VALUE);

	@Override
	public String getName() {
		return DEFAULT_NAME;
	}

	@Override
	public String getContextualName(TaskDispatchContext context) {
		return context.getTaskName() + " dispatch";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(TaskDispatchContext context) {
		return KeyValues.of(task(context), outcome(context), exception(context));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(TaskDispatchContext context) {
		return KeyValues.of(taskId(context));
	}

	protected KeyValue task(TaskDispatchContext context) {
		return KeyValue.of(LowCardinalityKeyNames.TASK, context.getTaskName());
	}

	protected KeyValue outcome(TaskDispatchContext context) {
		return context.isAccepted() ? OUTCOME_ACCEPTED : OUTCOME_REJECTED;
	}

	protected KeyValue exception(TaskDispatchContext context) {
		Throwable error = context.getError();
		if (error == null) {
			return EXCEPTION_NONE;
		}
		return KeyValue.of(LowCardinalityKeyNames.EXCEPTION, simpleName(error));
	}

	protected KeyValue taskId(TaskDispatchContext context) {
		return KeyValue.of(HighCardinalityKeyNames.TASK_ID, Long.toString(context.getTaskId()));
	}

	static String simpleName(Throwable error) {
		String name = error.getClass().getSimpleName();
		return name.isEmpty() ? error.getClass().getName() : name;
	}

}
