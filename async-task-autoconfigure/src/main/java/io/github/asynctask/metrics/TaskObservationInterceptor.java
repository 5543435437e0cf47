package io.github.asynctask.metrics;

import java.util.Map;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.execution.Task;
import io.github.asynctask.execution.TaskInterceptor;
import io.github.asynctask.execution.TaskInvocation;
import io.github.asynctask.execution.TaskObserver;
import io.github.asynctask.handler.TaskHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;

/**
 * The execution-chain link that observes each task twice: {@code async.task.dispatch} on the dispatching thread,
 * from the moment the task exists until the transport took or refused it, and {@code async.task.execution}, a child
 * of the dispatch, from the first attempt to the end of the delivery of the outcome, so that {@code @OnFinish}
 * methods and callbacks run inside it. Each attempt runs in the execution's scope.
 * <p>
 * A task that leaves the process (redis mode) carries the headers a tracing handler wrote into the dispatch's
 * carrier (with Micrometer Tracing: W3C {@code traceparent}, {@code tracestate}, {@code baggage}, through the
 * application's {@code Propagator}); on the node that runs it, the execution's context gets them as its carrier, so
 * that the execution span is a child of the dispatch span, in the same trace.
 * <p>
 * A task that never ran (cancelled) still gets its execution observation, around its delivery. Per task, one
 * holder in the task's attribute slot; nothing is shared between tasks.
 * <p>
 * Threading: see {@link TaskInterceptor}; {@link #dispatched} and {@link #rejected(Task, String)} are heard on the
 * dispatching thread.
 */
public class TaskObservationInterceptor implements TaskInterceptor, TaskObserver, Ordered {

	/** Inside context propagation, so that the caller's context is in place when the execution starts. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 2000;

	private static final DefaultTaskDispatchObservationConvention DEFAULT_DISPATCH =
			new DefaultTaskDispatchObservationConvention();

	private static final DefaultTaskExecutionObservationConvention DEFAULT_EXECUTION =
			new DefaultTaskExecutionObservationConvention();

	private final ObservationRegistry registry;

	private final @Nullable TaskDispatchObservationConvention dispatchConvention;

	private final @Nullable TaskExecutionObservationConvention executionConvention;

	/**
	 * The attribute slot of this link in each handler's chain (it may differ between handlers), so that the
	 * dispatch events, which are not given a slot, find the task's observations.
	 */
	private volatile int[] slots = new int[0];

	/**
	 * @param registry where observations go
	 * @param dispatchConvention replaces the default convention of dispatch observations, if not {@code null}
	 * @param executionConvention replaces the default convention of execution observations, if not {@code null}
	 */
	public TaskObservationInterceptor(ObservationRegistry registry,
			@Nullable TaskDispatchObservationConvention dispatchConvention,
			@Nullable TaskExecutionObservationConvention executionConvention) {
		this.registry = registry;
		this.dispatchConvention = dispatchConvention;
		this.executionConvention = executionConvention;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/** Observations time themselves: the tasks' dispatch stamp is not read. */
	@Override
	public boolean readsDispatchTime() {
		return false;
	}

	@Override
	public void onDispatch(Task task, int slot) {
		rememberSlot(task.handler(), slot);
		TaskDispatchContext context = new TaskDispatchContext(task.taskName(), task.taskId());
		Observation dispatch = TaskObservationDocumentation.DISPATCH
			.observation(this.dispatchConvention, DEFAULT_DISPATCH, () -> context, this.registry)
			.start();
		task.attribute(slot, new Observations(dispatch, context));
	}

	@Override
	public void dispatched(Task task) {
		Observations observations = observations(task);
		if (observations != null && observations.dispatchContext != null) {
			observations.dispatchContext.setAccepted(true);
			observations.dispatch.stop();
		}
	}

	@Override
	public void rejected(Task task, String reason) {
		Observations observations = observations(task);
		if (observations != null && observations.dispatchContext != null) {
			observations.dispatch.error(new TaskRejectedException(reason));
			observations.dispatch.stop();
		}
	}

	@Override
	public @Nullable Object aroundInvoke(Task task, int slot, TaskInvocation next) throws Throwable {
		Observations observations = execution(task, slot);
		Observation execution = observations.execution;
		observations.executionContext.setAttempts(task.attempts());
		try (Observation.Scope scope = execution.openScope()) {
			return next.proceed();
		}
	}

	@Override
	public void aroundDelivery(Task task, int slot, Runnable delivery) {
		Observations observations = execution(task, slot);
		Observation execution = observations.execution;
		TaskExecutionContext context = observations.executionContext;
		context.setAttempts(task.attempts());
		context.setStatus(task.status());
		Throwable error = task.error();
		if (error != null) {
			execution.error(error);
		}
		try (Observation.Scope scope = execution.openScope()) {
			delivery.run();
		}
		finally {
			execution.stop();
		}
	}

	@Override
	public void writeContext(Task task, int slot, Map<String, String> headers) {
		if (task.attribute(slot) instanceof Observations observations && observations.dispatchContext != null) {
			Map<String, String> carrier = observations.dispatchContext.getCarrier();
			if (carrier != null) {
				headers.putAll(carrier);
			}
		}
	}

	@Override
	public void readContext(Task task, int slot, Map<String, String> headers) {
		Observations observations = new Observations(null, null);
		observations.remoteCarrier = headers;
		task.attribute(slot, observations);
	}

	/** The task's observations, its execution observation started on first use. */
	private Observations execution(Task task, int slot) {
		Observations observations = (Observations) task.attribute(slot);
		if (observations == null) {
			// not dispatched through this node's chain (a remote task), or dispatched before this link existed
			observations = new Observations(null, null);
			task.attribute(slot, observations);
		}
		Observation execution = observations.execution;
		if (execution == null) {
			TaskExecutionContext context = new TaskExecutionContext(task.taskName(), task.taskId(),
					(observations.dispatchContext != null) ? observations.dispatchContext.getCarrier()
							: observations.remoteCarrier);
			execution = TaskObservationDocumentation.EXECUTION
				.observation(this.executionConvention, DEFAULT_EXECUTION, () -> context, this.registry);
			if (observations.dispatch != null) {
				execution.parentObservation(observations.dispatch);
			}
			execution.start();
			observations.executionContext = context;
			observations.execution = execution;
		}
		return observations;
	}

	private void rememberSlot(TaskHandler handler, int slot) {
		int index = handler.index();
		int[] slots = this.slots;
		if (index < slots.length && slots[index] == slot + 1) {
			return;
		}
		synchronized (this) {
			slots = this.slots;
			if (index >= slots.length) {
				int[] grown = new int[index + 1];
				System.arraycopy(slots, 0, grown, 0, slots.length);
				slots = grown;
			}
			else {
				slots = slots.clone();
			}
			slots[index] = slot + 1; // 0: unknown
			this.slots = slots;
		}
	}

	private @Nullable Observations observations(Task task) {
		int index = task.handler().index();
		int[] slots = this.slots;
		if (index >= slots.length || slots[index] == 0) {
			return null;
		}
		return (task.attribute(slots[index] - 1) instanceof Observations observations) ? observations : null;
	}

	/** The observations of one task. */
	private static final class Observations {

		final @Nullable Observation dispatch;

		final @Nullable TaskDispatchContext dispatchContext;

		/** The dispatch's trace headers, for a task dispatched by another node; set before the task is offered. */
		@Nullable Map<String, String> remoteCarrier;

		/** Written before {@link #execution}, read after it. */
		@Nullable TaskExecutionContext executionContext;

		volatile @Nullable Observation execution;

		Observations(@Nullable Observation dispatch, @Nullable TaskDispatchContext dispatchContext) {
			this.dispatch = dispatch;
			this.dispatchContext = dispatchContext;
		}

	}

}
