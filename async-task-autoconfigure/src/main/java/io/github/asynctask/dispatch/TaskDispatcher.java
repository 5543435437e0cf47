package io.github.asynctask.dispatch;

import java.util.List;
import java.util.function.IntFunction;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.handler.TaskHandler;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link DefaultTaskTemplate} hands its tasks to: the task server, whatever transport it runs on.
 * <p>
 * Threading: every method may be called from any thread; {@link #dispatch} and {@link #dispatchAll} may block only
 * as the {@code when-full} policy says.
 */
public interface TaskDispatcher {

	/**
	 * Accepts one task.
	 * @param callback where the outcome goes; {@code null}: the handler's {@code @OnFinish} listeners
	 * @param delayNanos how long the task waits before it may start; 0 or less: it is dispatched now. A delayed
	 * task is accepted whatever the room (it waits outside the queues) and {@code admission} applies to nothing.
	 * @return the task id, or {@code -1} if {@code admission} is {@link Admission#TRY} and there was no room
	 * @throws TaskRejectedException if the task was refused (full, stopped), with the reason and the fix
	 * @throws IllegalArgumentException if the task is delayed and this server cannot delay tasks
	 */
	long dispatch(TaskHandler handler, Object payload, @Nullable TaskCallback<?> callback, Routing routing,
			Admission admission, long delayNanos);

	/**
	 * Accepts a batch whole or not at all: if one task is refused, the ones already accepted are taken back (they
	 * never run and deliver no outcome) and the refusal is thrown.
	 * @param callbacks the callback of the task at each index
	 * @param delayNanos how long every task of the batch waits before it may start; 0 or less: now
	 * @return the task ids, index-aligned
	 * @throws TaskRejectedException if a task of the batch was refused
	 * @throws IllegalArgumentException if the batch is delayed and this server cannot delay tasks
	 */
	long[] dispatchAll(TaskHandler[] handlers, List<?> payloads, IntFunction<? extends TaskCallback<?>> callbacks,
			Routing routing, long delayNanos);

	/**
	 * Cancels a task that has not started: it ends {@code CANCELLED} and leaves the queue's counts at once.
	 * @return {@code true} if it had not started
	 */
	boolean cancel(long taskId);

	/**
	 * Checks that tasks can be routed so.
	 * @throws IllegalArgumentException naming the problem (a worker id out of range, a routing this transport
	 * cannot keep)
	 */
	void validate(Routing routing);

	/** Counts a result that arrived after its waiter gave up. */
	void resultDropped(TaskHandler handler);

}
