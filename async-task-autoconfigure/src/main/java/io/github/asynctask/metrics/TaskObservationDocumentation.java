package io.github.asynctask.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The two observations of a task: {@code async.task.dispatch} on the dispatching thread and
 * {@code async.task.execution} around the handler and the delivery of its outcome.
 */
public enum TaskObservationDocumentation implements ObservationDocumentation {

	/**
	 * A task handed to the task workers, on the dispatching thread (kind {@code PRODUCER}).
	 */
	DISPATCH {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultTaskDispatchObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HighCardinalityKeyNames.TASK_ID };
		}
	},

	/**
	 * A task run by a task worker, from its first attempt to the end of the delivery of its outcome to its
	 * callback or {@code @OnFinish} methods (kind {@code CONSUMER}, a child of the dispatch).
	 */
	EXECUTION {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultTaskExecutionObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}
	};

	/** Low-cardinality key names: one value per task name, outcome and exception class. */
	public enum LowCardinalityKeyNames implements KeyName {

		/** The task name. */
		TASK {
			@Override
			public String asString() {
				return "task";
			}
		},

		/**
		 * The outcome: a {@code TaskStatus} name for an execution; {@code ACCEPTED} or {@code REJECTED} for a
		 * dispatch.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/** The simple class name of the exception the task (or its dispatch) ended with, {@code none} if none. */
		EXCEPTION {
			@Override
			public String asString() {
				return "exception";
			}
		}

	}

	/** High-cardinality key names: one value per task or attempt. */
	public enum HighCardinalityKeyNames implements KeyName {

		/** The task id. */
		TASK_ID {
			@Override
			public String asString() {
				return "task.id";
			}
		},

		/** The number of attempts the task took. */
		ATTEMPT {
			@Override
			public String asString() {
				return "attempt";
			}
		}

	}

}
