package io.github.asynctask;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Hands tasks to the task workers: the Spring face of Swoole's {@code $server->task()}.
 * <p>
 * A task is a payload; the {@code @OnTask} method whose payload type matches it (or the one named by
 * {@link #named(String)}) runs it on a task worker, and its outcome goes to exactly one place chosen at dispatch:
 * the {@code @OnFinish} listeners ({@link #dispatch(Object)}), a callback, a future, or a waiting caller.
 * <p>
 * Threading: every method may be called from any thread. The dispatch methods never wait for the task itself;
 * they can wait only for room in a full queue ({@code async-task.when-full: block}, at most
 * {@code block-timeout}). The views {@link #named}, {@link #onWorker}, {@link #withKey}, {@link #after} and
 * {@link #at} are immutable and can be combined and kept in fields.
 */
public interface TaskTemplate {

	/**
	 * Dispatches a task whose outcome goes to the matching {@code @OnFinish} listeners.
	 * @param payload the task's payload; never {@code null}
	 * @return the task id
	 * @throws NoTaskHandlerException if no handler, or more than one, takes the payload
	 * @throws TaskRejectedException if the queue stays full under the when-full policy, or the server is stopped
	 */
	long dispatch(Object payload);

	/**
	 * Dispatches a task if there is room now; never blocks and never runs the task on the caller's thread.
	 * @param payload the task's payload
	 * @return the task id, or empty if no queue had room
	 * @throws NoTaskHandlerException if no handler takes the payload
	 * @throws TaskRejectedException if the server is stopped
	 */
	OptionalLong tryDispatch(Object payload);

	/**
	 * Dispatches a task whose outcome goes to {@code callback} instead of the {@code @OnFinish} listeners.
	 * @param payload the task's payload
	 * @param callback called once, on the worker thread, with the outcome
	 * @param <R> the handler's result type
	 * @return the task id
	 */
	<R> long dispatch(Object payload, TaskCallback<R> callback);

	/**
	 * Dispatches a task and returns a future of its result. The future fails with {@link TaskFailedException}
	 * (cause: the handler's exception), {@link TaskTimeoutException}, or is cancelled if the task was cancelled.
	 * @param payload the task's payload
	 * @param <R> the handler's result type
	 * @return the future result, completed on the worker thread
	 */
	<R> CompletableFuture<R> submit(Object payload);

	/**
	 * Dispatches a task and waits for its result, like Swoole's {@code taskwait}. The wait ending does not stop the
	 * task; its late result is dropped.
	 * @param payload the task's payload
	 * @param timeout the longest wait
	 * @param <R> the handler's result type
	 * @return the handler's return value
	 * @throws TaskTimeoutException if the result did not come within {@code timeout}
	 * @throws TaskFailedException if the handler threw
	 * @throws java.util.concurrent.CancellationException if the task was cancelled
	 */
	<R> R dispatchAndWait(Object payload, Duration timeout);

	/**
	 * Dispatches every payload and waits for all of them, within one deadline for the whole call. The list is
	 * index-aligned with {@code payloads}; entries that missed the deadline have status
	 * {@link TaskStatus#TIMED_OUT}, the others keep their outcome.
	 * @param payloads the payloads
	 * @param timeout the deadline for the whole call
	 * @param <R> the handlers' result type
	 * @return one result per payload, in order
	 */
	<R> List<TaskResult<R>> dispatchAllAndWait(List<?> payloads, Duration timeout);

	/**
	 * Dispatches every payload; the future completes with every outcome, index-aligned, once all have ended.
	 * @param payloads the payloads
	 * @param <R> the handlers' result type
	 * @return the future list of outcomes
	 */
	<R> CompletableFuture<List<TaskResult<R>>> submitAll(List<?> payloads);

	/**
	 * Cancels a task that has not started: it ends {@link TaskStatus#CANCELLED} and its outcome is delivered.
	 * @param taskId an id returned by a dispatch method
	 * @return {@code true} if the task was removed before it started, {@code false} if it started, ended or is
	 * unknown
	 */
	boolean cancel(long taskId);

	/**
	 * A view that dispatches to the handler of the given task name instead of routing by payload type.
	 * @param taskName a registered task name
	 * @return the view
	 * @throws NoTaskHandlerException if no handler has that name
	 */
	TaskTemplate named(String taskName);

	/**
	 * A view that dispatches to one worker, like Swoole's {@code $dst_worker_id}.
	 * @param workerId {@code 0 .. task-worker-num - 1}
	 * @return the view
	 * @throws IllegalArgumentException if the id is out of range
	 */
	TaskTemplate onWorker(int workerId);

	/**
	 * A view that sends every task of the same key to the same worker, so they run in dispatch order.
	 * @param key any object with a stable {@code hashCode}
	 * @return the view
	 */
	TaskTemplate withKey(Object key);

	/**
	 * A view whose tasks start no earlier than {@code delay} after their dispatch, e.g.
	 * {@code tasks.withKey(user).after(Duration.ofMinutes(30)).dispatch(reminder)}. A dispatch returns the id at once
	 * and is never refused for want of room: the task waits outside any worker queue (counted in
	 * {@link TaskServerStats#scheduledNum()}) until it is due, then enters the normal path (routing, key order,
	 * {@code max-concurrency}), waiting for room if the queues are full. {@link #cancel} takes it back before it is
	 * due. A zero or negative delay means now: the view dispatches like one without a delay.
	 * <p>
	 * Combines with every view and method: {@link #dispatchAndWait} counts its timeout from the call (the delay
	 * included); a batch ({@link #submitAll}, {@link #dispatchAllAndWait}) is accepted whole at the call, every task
	 * of it due at the same time. In-process only for now ({@code async-task.transport=local}, not {@code inline}).
	 * @param delay how long after each dispatch its task may start
	 * @return the view
	 * @throws IllegalArgumentException if the delay is longer than 100 years
	 */
	TaskTemplate after(Duration delay);

	/**
	 * A view whose tasks start no earlier than {@code when}, as {@link #after} with the delay from each dispatch to
	 * {@code when}. The instant is turned into a delay at dispatch: a wall-clock change afterwards does not move the
	 * task. An instant in the past means now.
	 * @param when the earliest start
	 * @return the view
	 */
	TaskTemplate at(Instant when);

}
