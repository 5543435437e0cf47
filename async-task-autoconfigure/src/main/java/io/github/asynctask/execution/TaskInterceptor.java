package io.github.asynctask.execution;

import java.util.Map;

import io.github.asynctask.handler.TaskHandler;
import org.jspecify.annotations.Nullable;

/**
 * One link of a handler's execution chain: one concern (context propagation, an observation, a timeout, a retry)
 * around the dispatch, the attempts and the delivery of a task. Chains are built once per handler when the server
 * starts, from the interceptors that {@linkplain #appliesTo apply} to it, in order; a handler with no link calls its
 * method directly, so a concern nobody configured costs nothing.
 * <p>
 * Threading: {@link #onDispatch} runs on the dispatching thread, {@link #aroundInvoke} on the thread that runs the
 * attempt, {@link #aroundDelivery} on the thread that delivers the outcome. An interceptor is shared by every task
 * of its handlers; keep per-task state in the task's {@linkplain Task#attribute(int) attributes}.
 */
public interface TaskInterceptor {

	/** Whether this link takes part in the chain of this handler; asked once, at start. */
	default boolean appliesTo(TaskHandler handler) {
		return true;
	}

	/**
	 * Whether this link has nothing to do around the attempts and the delivery of a task whose {@link #onDispatch}
	 * left its attribute slot empty (e.g. context propagation when the caller held no context). When every link of a
	 * chain says so and a task has no attribute, the chain calls the handler and delivers directly: a link with
	 * nothing to do for a task costs that task nothing beyond {@link #onDispatch}. Asked once, at start.
	 */
	default boolean skipsTasksWithoutAttribute() {
		return false;
	}

	/** Whether this link reads a task's dispatch time ({@link Task#dispatchNanos()}); asked once, at start. */
	default boolean readsDispatchTime() {
		return true;
	}

	/**
	 * Called on the dispatching thread once the task exists and before a transport takes it (e.g. to capture the
	 * caller's context). An exception here refuses the dispatch.
	 * @param slot this link's attribute slot in the task
	 */
	default void onDispatch(Task task, int slot) {
	}

	/**
	 * Around one attempt of the handler: call {@code next.proceed()} to go on down the chain.
	 * @param slot this link's attribute slot in the task
	 * @return the handler's result
	 * @throws Throwable whatever the handler (or this link) throws: the attempt fails with it
	 */
	default @Nullable Object aroundInvoke(Task task, int slot, TaskInvocation next) throws Throwable {
		return next.proceed();
	}

	/**
	 * Around the delivery of the task's outcome to its callback or {@code @OnFinish} listeners: call
	 * {@code delivery.run()} to deliver. Delivery does not throw.
	 * @param slot this link's attribute slot in the task
	 */
	default void aroundDelivery(Task task, int slot, Runnable delivery) {
		delivery.run();
	}

	/**
	 * Called when the task leaves this process (redis mode), on the dispatching thread after {@link #onDispatch}:
	 * write what this link must carry to the node that runs the task (the MDC, a trace context) as text headers.
	 * Header names are shared by the links of a chain: prefix them with what they are.
	 * @param slot this link's attribute slot in the task
	 * @param headers where to write; sent with the task, read back by {@link #readContext} on the running node
	 */
	default void writeContext(Task task, int slot, Map<String, String> headers) {
	}

	/**
	 * Called on the node that runs a task dispatched by another process, before the task is offered to a worker:
	 * put into this link's slot what {@link #writeContext} wrote at the origin, for {@link #aroundInvoke} and
	 * {@link #aroundDelivery} to use. Not called for a task that carries nothing.
	 * @param slot this link's attribute slot in the task
	 * @param headers what the origin's links wrote (other links' headers too)
	 */
	default void readContext(Task task, int slot, Map<String, String> headers) {
	}

}
