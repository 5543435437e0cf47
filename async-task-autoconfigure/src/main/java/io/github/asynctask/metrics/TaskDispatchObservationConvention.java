package io.github.asynctask.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The {@link ObservationConvention} of {@code async.task.dispatch} observations. Declare a bean of this type to
 * replace {@link DefaultTaskDispatchObservationConvention}.
 */
public interface TaskDispatchObservationConvention extends ObservationConvention<TaskDispatchContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof TaskDispatchContext;
	}

}
