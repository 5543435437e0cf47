package io.github.asynctask.execution;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.asynctask.handler.TaskHandler;
import org.jspecify.annotations.Nullable;

/**
 * The interceptors of one handler, chosen once at start; each gets an attribute slot in the task (its index in the
 * chain). With no link, {@link #invoke} calls the handler's pre-bound method handle directly and {@link #deliver}
 * runs the delivery directly: no allocation, no loop.
 * <p>
 * Threading: immutable; every method may be called from any thread.
 */
public final class ExecutionChain {

	private static final TaskInterceptor[] NONE = {};

	private final TaskHandler handler;

	private final TaskInterceptor[] links;

	private final boolean dispatchHooks;

	private final boolean deliveryHooks;

	/** Every link skips a task without attributes. */
	private final boolean skipsTasksWithoutAttribute;

	private final boolean stampsDispatchTime;

	/** The slots of the links that override {@code onDispatch}: the others are not called for it. */
	private final int[] dispatchSlots;

	/** The slots of the links that override {@code aroundDelivery}: the others are not called for it. */
	private final int[] deliverySlots;

	/** The slots of the links that carry something to another process, and read it back there. */
	private final int[] writeContextSlots;

	private final int[] readContextSlots;

	private ExecutionChain(TaskHandler handler, TaskInterceptor[] links, boolean observed) {
		this.handler = handler;
		this.links = links;
		this.dispatchSlots = slotsOverriding(links, "onDispatch", Task.class, int.class);
		this.deliverySlots = slotsOverriding(links, "aroundDelivery", Task.class, int.class, Runnable.class);
		this.writeContextSlots = slotsOverriding(links, "writeContext", Task.class, int.class, Map.class);
		this.readContextSlots = slotsOverriding(links, "readContext", Task.class, int.class, Map.class);
		this.dispatchHooks = this.dispatchSlots.length > 0;
		this.deliveryHooks = this.deliverySlots.length > 0;
		boolean skips = true;
		for (TaskInterceptor link : links) {
			skips &= link.skipsTasksWithoutAttribute();
		}
		this.skipsTasksWithoutAttribute = skips;
		boolean linksRead = false;
		for (TaskInterceptor link : links) {
			linksRead |= link.readsDispatchTime();
		}
		this.stampsDispatchTime = observed || linksRead || handler.observesDispatchTime();
	}

	/**
	 * The slots of the links whose class overrides a default method of {@link TaskInterceptor}: a link that only
	 * wraps attempts (a timeout) then costs nothing at dispatch and delivery.
	 */
	private static int[] slotsOverriding(TaskInterceptor[] links, String method, Class<?>... parameterTypes) {
		return java.util.stream.IntStream.range(0, links.length).filter((slot) -> {
			try {
				return links[slot].getClass().getMethod(method, parameterTypes).getDeclaringClass()
						!= TaskInterceptor.class;
			}
			catch (NoSuchMethodException ex) {
				return true;
			}
		}).toArray();
	}

	/**
	 * The chain of a handler: the interceptors that apply to it, in the given order.
	 * @param observed whether task observers read this handler's tasks
	 */
	public static ExecutionChain of(TaskHandler handler, List<? extends TaskInterceptor> interceptors,
			boolean observed) {
		List<TaskInterceptor> links = new ArrayList<>();
		for (TaskInterceptor interceptor : interceptors) {
			if (interceptor.appliesTo(handler)) {
				links.add(interceptor);
			}
		}
		return new ExecutionChain(handler, links.toArray(NONE), observed);
	}

	/** One chain per handler, indexed by {@link TaskHandler#index()}. */
	public static ExecutionChain[] of(List<TaskHandler> handlers, List<? extends TaskInterceptor> interceptors,
			boolean observed) {
		ExecutionChain[] chains = new ExecutionChain[handlers.size()];
		for (TaskHandler handler : handlers) {
			chains[handler.index()] = of(handler, interceptors, observed);
		}
		return chains;
	}

	public TaskHandler handler() {
		return this.handler;
	}

	/**
	 * Whether anyone can read a task's dispatch time: a link of the chain, an observer, or the handler or one of
	 * its listeners through a {@code TaskContext} parameter. A task no one can ask is not stamped.
	 */
	public boolean stampsDispatchTime() {
		return this.stampsDispatchTime;
	}

	/** Runs every link's {@link TaskInterceptor#onDispatch}, on the dispatching thread. */
	public void onDispatch(Task task) {
		if (this.dispatchHooks) {
			TaskInterceptor[] links = this.links;
			for (int slot : this.dispatchSlots) {
				links[slot].onDispatch(task, slot);
			}
		}
	}

	/**
	 * What the links carry for a task that leaves this process (redis mode), as text headers; called on the
	 * dispatching thread after {@link #onDispatch}.
	 * @return the headers, or {@code null} when no link has anything to carry (no allocation then)
	 */
	public @Nullable Map<String, String> writeContext(Task task) {
		if (this.writeContextSlots.length == 0 || !task.hasAttributes()) {
			return null;
		}
		Map<String, String> headers = new LinkedHashMap<>();
		for (int slot : this.writeContextSlots) {
			this.links[slot].writeContext(task, slot, headers);
		}
		return headers.isEmpty() ? null : headers;
	}

	/**
	 * Gives the links what the origin's links {@linkplain #writeContext wrote} for a task dispatched by another
	 * process, before the task is offered to a worker.
	 */
	public void readContext(Task task, Map<String, String> headers) {
		for (int slot : this.readContextSlots) {
			this.links[slot].readContext(task, slot, headers);
		}
	}

	/** Runs one attempt through the links to the handler method, on the calling thread. */
	public @Nullable Object invoke(Task task) throws Throwable {
		if (isDirectFor(task)) {
			return this.handler.invoke(task.payload(), task);
		}
		return new Invocation(task).proceed();
	}

	/**
	 * Whether this task's attempts and delivery go straight to the handler and the destination: no link, or only
	 * links that {@linkplain TaskInterceptor#skipsTasksWithoutAttribute() skip} it.
	 */
	public boolean isDirectFor(Task task) {
		return this.links.length == 0 || (this.skipsTasksWithoutAttribute && !task.hasAttributes());
	}

	/** Runs the delivery through every link's {@link TaskInterceptor#aroundDelivery}. */
	public void deliver(Task task, Runnable delivery) {
		if (!this.deliveryHooks || isDirectFor(task)) {
			delivery.run();
			return;
		}
		deliver(task, delivery, 0);
	}

	private void deliver(Task task, Runnable delivery, int index) {
		if (index == this.deliverySlots.length) {
			delivery.run();
			return;
		}
		int slot = this.deliverySlots[index];
		this.links[slot].aroundDelivery(task, slot, () -> deliver(task, delivery, index + 1));
	}

	private final class Invocation implements TaskInvocation {

		private final Task task;

		private int next;

		Invocation(Task task) {
			this.task = task;
		}

		@Override
		public @Nullable Object proceed() throws Throwable {
			int index = this.next++;
			if (index == ExecutionChain.this.links.length) {
				return ExecutionChain.this.handler.invoke(this.task.payload(), this.task);
			}
			return ExecutionChain.this.links[index].aroundInvoke(this.task, index, this);
		}

	}

}
