package io.github.asynctask.context;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.asynctask.execution.Task;
import io.github.asynctask.execution.TaskInterceptor;
import io.github.asynctask.execution.TaskInvocation;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;

/**
 * The execution-chain link that carries the dispatching thread's context into the task: what every
 * {@link ThreadLocalAccessor} of the {@link ContextRegistry} holds (MDC, the current observation and so the trace,
 * Spring Security's context, ...) is captured at dispatch, set around each attempt of the handler and around the
 * delivery of the outcome to its callback or {@code @OnFinish} methods, and the thread's own values are put back
 * after, so that a worker never carries one task's context into the next.
 * <p>
 * The semantics are those of context-propagation's {@code ContextSnapshot} ({@code setValue}, then
 * {@code restore(previous)} or {@code restore()}), without its maps: the values are kept in an array, one slot per
 * accessor that held something. A dispatching thread that holds nothing costs a look at each accessor and no
 * allocation: nothing is captured and nothing is restored.
 * <p>
 * A task that leaves the process (redis mode) carries the MDC (the value of the accessor with key
 * {@value Slf4jThreadLocalAccessor#KEY}) as text headers {@value #MDC_PREFIX}{@code <key>}, and the node that runs
 * it sets that MDC around the handler and clears it after. Other values (the current observation, a security
 * context) are objects of this process and do not travel; a trace continues on the other node through the task's
 * observation ({@code async-task.observations.enabled}), whose trace headers travel the same way.
 * <p>
 * Threading: see {@link TaskInterceptor}.
 */
public class ContextPropagatingTaskInterceptor implements TaskInterceptor, Ordered {

	/** Outside every other link, so that they run in the caller's context. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 1000;

	/** The prefix of the headers that carry the MDC to another node. */
	public static final String MDC_PREFIX = "mdc.";

	private final List<ThreadLocalAccessor<?>> accessors;

	/** Propagates what the accessors of the global {@link ContextRegistry} hold. */
	public ContextPropagatingTaskInterceptor() {
		this(ContextRegistry.getInstance());
	}

	/** Propagates what the accessors of this registry hold, including accessors registered later. */
	public ContextPropagatingTaskInterceptor(ContextRegistry registry) {
		this.accessors = registry.getThreadLocalAccessors(); // a live view
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public boolean readsDispatchTime() {
		return false;
	}

	/** A task whose caller held nothing needs nothing restored: the chain skips this link for it. */
	@Override
	public boolean skipsTasksWithoutAttribute() {
		return true;
	}

	@Override
	public void onDispatch(Task task, int slot) {
		Captured captured = capture();
		if (captured != null) {
			task.attribute(slot, captured);
		}
	}

	@Override
	public @Nullable Object aroundInvoke(Task task, int slot, TaskInvocation next) throws Throwable {
		if (!(task.attribute(slot) instanceof Captured captured)) {
			return next.proceed();
		}
		Object[] previous = captured.set();
		try {
			return next.proceed();
		}
		finally {
			captured.restore(previous);
		}
	}

	@Override
	public void aroundDelivery(Task task, int slot, Runnable delivery) {
		if (!(task.attribute(slot) instanceof Captured captured)) {
			delivery.run();
			return;
		}
		Object[] previous = captured.set();
		try {
			delivery.run();
		}
		finally {
			captured.restore(previous);
		}
	}

	@Override
	public void writeContext(Task task, int slot, Map<String, String> headers) {
		if (task.attribute(slot) instanceof Captured captured) {
			for (int i = 0; i < captured.count; i++) {
				if (Slf4jThreadLocalAccessor.KEY.equals(captured.accessors[i].key())
						&& captured.values[i] instanceof Map<?, ?> mdc) {
					mdc.forEach((key, value) -> {
						if (key instanceof String name && value instanceof String text) {
							headers.put(MDC_PREFIX + name, text);
						}
					});
				}
			}
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public void readContext(Task task, int slot, Map<String, String> headers) {
		Map<String, String> mdc = null;
		for (Map.Entry<String, String> header : headers.entrySet()) {
			if (header.getKey().startsWith(MDC_PREFIX)) {
				if (mdc == null) {
					mdc = new HashMap<>();
				}
				mdc.put(header.getKey().substring(MDC_PREFIX.length()), header.getValue());
			}
		}
		if (mdc == null) {
			return;
		}
		for (ThreadLocalAccessor<?> accessor : this.accessors) {
			if (Slf4jThreadLocalAccessor.KEY.equals(accessor.key())) {
				task.attribute(slot, new Captured(new ThreadLocalAccessor[] { accessor }, new Object[] { mdc }, 1));
				return;
			}
		}
	}

	@SuppressWarnings("unchecked")
	private @Nullable Captured capture() {
		List<ThreadLocalAccessor<?>> accessors = this.accessors;
		ThreadLocalAccessor<Object>[] held = null;
		Object[] values = null;
		int count = 0;
		for (int i = 0; i < accessors.size(); i++) {
			ThreadLocalAccessor<Object> accessor = (ThreadLocalAccessor<Object>) accessors.get(i);
			Object value = accessor.getValue();
			if (value != null) {
				if (held == null) {
					held = new ThreadLocalAccessor[accessors.size() - i];
					values = new Object[held.length];
				}
				held[count] = accessor;
				values[count++] = value;
			}
		}
		return (held != null) ? new Captured(held, values, count) : null;
	}

	/** The values a dispatching thread held, by accessor. */
	private static final class Captured {

		private final ThreadLocalAccessor<Object>[] accessors;

		private final Object[] values;

		private final int count;

		Captured(ThreadLocalAccessor<Object>[] accessors, Object[] values, int count) {
			this.accessors = accessors;
			this.values = values;
			this.count = count;
		}

		/** Sets the captured values on this thread; returns the values they replace. */
		Object[] set() {
			Object[] previous = new Object[this.count];
			for (int i = 0; i < this.count; i++) {
				previous[i] = this.accessors[i].getValue();
				this.accessors[i].setValue(this.values[i]);
			}
			return previous;
		}

		/** Puts back what {@link #set} replaced, or clears what there was not. */
		void restore(Object[] previous) {
			RuntimeException failure = null;
			for (int i = this.count - 1; i >= 0; i--) {
				try {
					if (previous[i] != null) {
						this.accessors[i].restore(previous[i]);
					}
					else {
						this.accessors[i].restore();
					}
				}
				catch (RuntimeException ex) {
					// one accessor that fails must not leave the others' values on this thread
					if (failure == null) {
						failure = ex;
					}
				}
			}
			if (failure != null) {
				throw failure;
			}
		}

	}

}
