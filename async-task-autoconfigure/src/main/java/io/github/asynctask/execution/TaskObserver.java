package io.github.asynctask.execution;

import io.github.asynctask.handler.TaskHandler;

/**
 * Hears what happens to tasks: each event is published once, by {@link TaskEvents}, after the task's
 * {@linkplain TaskHandler#counters() counters} were updated. The Micrometer binder, the logs and the Actuator
 * endpoint observe; {@code stats()} reads the counters.
 * <p>
 * Threading: called on the thread where the event happens (a dispatcher, a worker, a timer), often concurrently;
 * must be fast, must not block, and must not throw (what it throws is logged and ignored).
 */
public interface TaskObserver {

	/**
	 * Whether this observer reads a task's dispatch time ({@link Task#dispatchNanos()}); asked once, at start. Tasks
	 * no one can ask are not stamped (a clock read saved per dispatch).
	 */
	default boolean readsDispatchTime() {
		return true;
	}

	/** A task was accepted. */
	default void dispatched(Task task) {
	}

	/** A task was refused at dispatch (full, stopped, or a {@code tryDispatch} that found no room). */
	default void rejected(TaskHandler handler, String reason) {
	}

	/**
	 * A task that exists (its interceptors' {@code onDispatch} ran) was refused or never reached the transport:
	 * it has no outcome. Heard after {@link #rejected(TaskHandler, String)} for a refusal that counts.
	 */
	default void rejected(Task task, String reason) {
	}

	/** An attempt of a task starts, on the thread that runs it. */
	default void started(Task task) {
	}

	/** A task's outcome was decided; it is about to be delivered. */
	default void finished(Task task) {
	}

	/** A task will be attempted again. */
	default void retried(Task task) {
	}

	/** A result arrived after its waiter gave up, or after the task's outcome was decided otherwise. */
	default void resultDropped(TaskHandler handler) {
	}

	/** A callback or {@code @OnFinish} method threw. */
	default void listenerFailed(Task task, Throwable error) {
	}

}
