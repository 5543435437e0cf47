package io.github.asynctask.server;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.TaskTimeoutException;
import io.github.asynctask.handler.TaskHandler;
import io.github.asynctask.handler.TaskHandlerRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The {@link TaskTemplate} of a {@link LocalTaskServer}: resolves each payload's handler and hands the task to the
 * server with the destination of its outcome. Views ({@link #named}, {@link #onWorker}, {@link #withKey}) are new
 * immutable instances sharing the server and registry.
 */
public final class DefaultTaskTemplate implements TaskTemplate {

	private final LocalTaskServer server;

	private final TaskHandlerRegistry registry;

	private final @Nullable TaskHandler named;

	/** The worker every task of this view goes to, or {@code -1}. */
	private final int worker;

	public DefaultTaskTemplate(LocalTaskServer server, TaskHandlerRegistry registry) {
		this(server, registry, null, -1);
	}

	private DefaultTaskTemplate(LocalTaskServer server, TaskHandlerRegistry registry, @Nullable TaskHandler named,
			int worker) {
		this.server = server;
		this.registry = registry;
		this.named = named;
		this.worker = worker;
	}

	@Override
	public long dispatch(Object payload) {
		return this.server.dispatch(handlerFor(payload), payload, null, this.worker, false);
	}

	@Override
	public OptionalLong tryDispatch(Object payload) {
		long id = this.server.dispatch(handlerFor(payload), payload, null, this.worker, true);
		return (id < 0) ? OptionalLong.empty() : OptionalLong.of(id);
	}

	@Override
	public <R> long dispatch(Object payload, TaskCallback<R> callback) {
		Assert.notNull(callback, "callback must not be null");
		return this.server.dispatch(handlerFor(payload), payload, callback, this.worker, false);
	}

	@Override
	public <R> CompletableFuture<R> submit(Object payload) {
		TaskHandler handler = handlerFor(payload);
		ResultFuture<R> future = new ResultFuture<>(this.server);
		this.server.dispatch(handler, payload, future, this.worker, false);
		return future;
	}

	@Override
	public <R> R dispatchAndWait(Object payload, Duration timeout) {
		Assert.notNull(timeout, "timeout must not be null");
		TaskHandler handler = handlerFor(payload);
		ResultFuture<R> future = new ResultFuture<>(this.server);
		long id = this.server.dispatch(handler, payload, future, this.worker, false);
		try {
			return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			TaskTimeoutException timedOut = new TaskTimeoutException("Task " + id + " '" + handler.name()
					+ "' did not finish within the wait of " + timeout.toMillis() + "ms; it goes on running and "
					+ "its result will be dropped");
			if (future.completeExceptionally(timedOut)) {
				throw timedOut;
			}
			return future.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.completeExceptionally(ex);
			throw new CancellationException("Interrupted while waiting for task " + id);
		}
		catch (ExecutionException ex) {
			throw (RuntimeException) ex.getCause();
		}
	}

	@Override
	public <R> List<TaskResult<R>> dispatchAllAndWait(List<?> payloads, Duration timeout) {
		Assert.notNull(timeout, "timeout must not be null");
		long deadline = System.nanoTime() + timeout.toNanos();
		TaskHandler[] handlers = handlersFor(payloads);
		Gather<R> gather = new Gather<>(this.server, payloads.size());
		long[] ids = dispatchAll(payloads, handlers, gather);
		try {
			return gather.future().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			String[] names = new String[handlers.length];
			for (int i = 0; i < handlers.length; i++) {
				names[i] = handlers[i].name();
			}
			return gather.expire(ids, names, timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CancellationException("Interrupted while waiting for " + payloads.size() + " tasks");
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
	}

	@Override
	public <R> CompletableFuture<List<TaskResult<R>>> submitAll(List<?> payloads) {
		TaskHandler[] handlers = handlersFor(payloads);
		Gather<R> gather = new Gather<>(this.server, payloads.size());
		dispatchAll(payloads, handlers, gather);
		return gather.future();
	}

	private TaskHandler[] handlersFor(List<?> payloads) {
		Assert.notNull(payloads, "payloads must not be null");
		TaskHandler[] handlers = new TaskHandler[payloads.size()];
		for (int i = 0; i < handlers.length; i++) {
			handlers[i] = handlerFor(payloads.get(i));
		}
		return handlers;
	}

	private <R> long[] dispatchAll(List<?> payloads, TaskHandler[] handlers, Gather<R> gather) {
		long[] ids = new long[handlers.length];
		for (int i = 0; i < handlers.length; i++) {
			ids[i] = this.server.dispatch(handlers[i], payloads.get(i), gather.slot(i), this.worker, false);
		}
		return ids;
	}

	@Override
	public boolean cancel(long taskId) {
		return this.server.cancel(taskId);
	}

	@Override
	public TaskTemplate named(String taskName) {
		Assert.hasText(taskName, "taskName must not be empty");
		return new DefaultTaskTemplate(this.server, this.registry, this.registry.handler(taskName), this.worker);
	}

	@Override
	public TaskTemplate onWorker(int workerId) {
		int workers = this.server.taskWorkerNum();
		if (workerId < 0 || workerId >= workers) {
			throw new IllegalArgumentException("Worker id " + workerId + " is out of range: async-task.task-worker-num"
					+ " is " + workers + ", so worker ids are 0.." + (workers - 1) + ".");
		}
		return new DefaultTaskTemplate(this.server, this.registry, this.named, workerId);
	}

	@Override
	public TaskTemplate withKey(Object key) {
		Assert.notNull(key, "key must not be null");
		return new DefaultTaskTemplate(this.server, this.registry, this.named, this.server.workerFor(key));
	}

	private TaskHandler handlerFor(@Nullable Object payload) {
		if (payload == null) {
			throw new IllegalArgumentException("payload must not be null: a task needs a payload for its @OnTask "
					+ "method.");
		}
		TaskHandler named = this.named;
		if (named == null) {
			return this.registry.handlerFor(payload.getClass());
		}
		if (!named.payloadType().isInstance(payload)) {
			throw new IllegalArgumentException("Task '" + named.name() + "' takes a " + named.payloadType().getName()
					+ " (" + named + "), not a " + payload.getClass().getName()
					+ ". Dispatch a " + named.payloadType().getSimpleName()
					+ ", or drop named(...) to route by payload type.");
		}
		return named;
	}

	@Override
	public String toString() {
		return "TaskTemplate" + ((this.named != null) ? "[named=" + this.named.name() + "]" : "")
				+ ((this.worker >= 0) ? "[worker=" + this.worker + "]" : "");
	}

}
