package io.github.asynctask.dispatch;

import java.time.Duration;
import java.time.Instant;
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
 * The {@link TaskTemplate}: resolves each payload's handler and hands the task, with its routing and the
 * destination of its outcome, to a {@link TaskDispatcher}. Views ({@link #named}, {@link #onWorker},
 * {@link #withKey}, {@link #after}, {@link #at}) are new immutable instances sharing the dispatcher and registry; a {@code named} view resolves
 * its task name at its first dispatch, so views can be made in constructors.
 */
public final class DefaultTaskTemplate implements TaskTemplate {

	private final TaskDispatcher dispatcher;

	private final TaskHandlerRegistry registry;

	/** The task name of a {@code named} view, else {@code null}. */
	private final @Nullable String name;

	/** The handler of {@link #name}, once resolved. */
	private volatile @Nullable TaskHandler named;

	private final Routing routing;

	private final Delay delay;

	public DefaultTaskTemplate(TaskDispatcher dispatcher, TaskHandlerRegistry registry) {
		this(dispatcher, registry, null, null, Routing.any(), Delay.NONE);
	}

	private DefaultTaskTemplate(TaskDispatcher dispatcher, TaskHandlerRegistry registry, @Nullable String name,
			@Nullable TaskHandler named, Routing routing, Delay delay) {
		this.dispatcher = dispatcher;
		this.registry = registry;
		this.name = name;
		this.named = named;
		this.routing = routing;
		this.delay = delay;
	}

	@Override
	public long dispatch(Object payload) {
		return this.dispatcher.dispatch(handlerFor(payload), payload, null, this.routing, Admission.POLICY,
				this.delay.nanosFromNow());
	}

	@Override
	public OptionalLong tryDispatch(Object payload) {
		long id = this.dispatcher.dispatch(handlerFor(payload), payload, null, this.routing, Admission.TRY,
				this.delay.nanosFromNow());
		return (id < 0) ? OptionalLong.empty() : OptionalLong.of(id);
	}

	@Override
	public <R> long dispatch(Object payload, TaskCallback<R> callback) {
		Assert.notNull(callback, "callback must not be null");
		return this.dispatcher.dispatch(handlerFor(payload), payload, callback, this.routing, Admission.POLICY,
				this.delay.nanosFromNow());
	}

	@Override
	public <R> CompletableFuture<R> submit(Object payload) {
		TaskHandler handler = handlerFor(payload);
		ResultFuture<R> future = new ResultFuture<>(this.dispatcher, handler);
		this.dispatcher.dispatch(handler, payload, future, this.routing, Admission.POLICY, this.delay.nanosFromNow());
		return future;
	}

	@Override
	public <R> R dispatchAndWait(Object payload, Duration timeout) {
		Assert.notNull(timeout, "timeout must not be null");
		long deadline = System.nanoTime() + timeout.toNanos(); // from the call: a delay or a wait for room counts
		TaskHandler handler = handlerFor(payload);
		ResultFuture<R> future = new ResultFuture<>(this.dispatcher, handler);
		long id = this.dispatcher.dispatch(handler, payload, future, this.routing, Admission.POLICY,
				this.delay.nanosFromNow());
		try {
			return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			TaskTimeoutException timedOut = new TaskTimeoutException("Task " + id + " '" + handler.name()
					+ "' did not finish within the wait of " + timeout.toMillis() + "ms; it goes on running and "
					+ "its result will be dropped");
			if (future.completeExceptionally(timedOut)) {
				throw timedOut;
			}
			return outcomeOf(future); // the outcome landed between the timeout and now
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

	/** The value of a completed future, or the exception that stands for its outcome, unwrapped. */
	private static <R> R outcomeOf(CompletableFuture<R> future) {
		try {
			return future.get();
		}
		catch (ExecutionException ex) {
			throw (RuntimeException) ex.getCause();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CancellationException("Interrupted");
		}
	}

	@Override
	public <R> List<TaskResult<R>> dispatchAllAndWait(List<?> payloads, Duration timeout) {
		Assert.notNull(timeout, "timeout must not be null");
		long deadline = System.nanoTime() + timeout.toNanos();
		TaskHandler[] handlers = handlersFor(payloads);
		Gather<R> gather = new Gather<>(this.dispatcher, handlers, payloads);
		long[] ids = this.dispatcher.dispatchAll(handlers, payloads, gather::slot, this.routing,
				this.delay.nanosFromNow());
		try {
			return gather.future().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			return gather.expire(ids, timeout);
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
		Gather<R> gather = new Gather<>(this.dispatcher, handlers, payloads);
		this.dispatcher.dispatchAll(handlers, payloads, gather::slot, this.routing, this.delay.nanosFromNow());
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

	@Override
	public boolean cancel(long taskId) {
		return this.dispatcher.cancel(taskId);
	}

	@Override
	public TaskTemplate named(String taskName) {
		Assert.hasText(taskName, "taskName must not be empty");
		return new DefaultTaskTemplate(this.dispatcher, this.registry, taskName.trim(), null, this.routing,
				this.delay);
	}

	@Override
	public TaskTemplate onWorker(int workerId) {
		Routing routing = (workerId >= 0) ? Routing.worker(workerId) : null;
		if (routing == null) {
			throw new IllegalArgumentException("Worker id " + workerId + " is out of range: worker ids start at 0.");
		}
		this.dispatcher.validate(routing);
		return new DefaultTaskTemplate(this.dispatcher, this.registry, this.name, this.named, routing, this.delay);
	}

	@Override
	public TaskTemplate withKey(Object key) {
		Assert.notNull(key, "key must not be null");
		Routing routing = Routing.key(key);
		this.dispatcher.validate(routing);
		return new DefaultTaskTemplate(this.dispatcher, this.registry, this.name, this.named, routing, this.delay);
	}

	@Override
	public TaskTemplate after(Duration delay) {
		Assert.notNull(delay, "delay must not be null");
		return new DefaultTaskTemplate(this.dispatcher, this.registry, this.name, this.named, this.routing,
				Delay.after(delay));
	}

	@Override
	public TaskTemplate at(Instant when) {
		Assert.notNull(when, "when must not be null");
		return new DefaultTaskTemplate(this.dispatcher, this.registry, this.name, this.named, this.routing,
				Delay.at(when));
	}

	private TaskHandler handlerFor(@Nullable Object payload) {
		if (payload == null) {
			throw new IllegalArgumentException("payload must not be null: a task needs a payload for its @OnTask "
					+ "method.");
		}
		if (this.name == null) {
			return this.registry.handlerFor(payload.getClass());
		}
		TaskHandler named = this.named;
		if (named == null) {
			named = this.registry.handler(this.name); // NoTaskHandlerException listing the names if unknown
			this.named = named;
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
		return "TaskTemplate" + ((this.name != null) ? "[named=" + this.name + "]" : "")
				+ (this.routing.isAny() ? "" : "[" + this.routing + "]")
				+ ((this.delay == Delay.NONE) ? "" : "[" + this.delay + "]");
	}

}
