package io.github.asynctask.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The {@link ObservationConvention} of {@code async.task.execution} observations. Declare a bean of this type to
 * replace {@link DefaultTaskExecutionObservationConvention}.
 */
public interface TaskExecutionObservationConvention extends ObservationConvention<TaskExecutionContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof TaskExecutionContext;
	}

}
