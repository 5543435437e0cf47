package io.github.asynctask.handler;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import io.github.asynctask.TaskContext;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;

/**
 * One {@code @OnTask} method: the task name, the payload type, a pre-bound invoker, and the {@code @OnFinish}
 * listeners that apply to its outcomes (resolved per result class once, then cached).
 * <p>
 * Threading: immutable after the registry is frozen; {@link #invoke} and {@link #listenersFor} may be called from
 * any thread.
 */
public final class TaskHandler extends BeanMethod {

	private static final FinishListener[] NONE = {};

	private final String name;

	private final Class<?> payloadType;

	private final TaskCounters counters = new TaskCounters();

	private int index = -1;

	private FinishListener[] resultListeners = NONE;

	private List<FinishListener> listeners = List.of();

	private final ConcurrentHashMap<Class<?>, FinishListener[]> listenersByType = new ConcurrentHashMap<>();

	private boolean observesDispatchTime = true;

	/** The last lookup, so that a handler that always returns one type skips the map. */
	private volatile @Nullable Cached last;

	TaskHandler(BeanFactory beanFactory, String beanName, Method method, String name, Class<?> payloadType,
			int[] argumentOrder) {
		super(beanFactory, beanName, method, argumentOrder);
		this.name = name;
		this.payloadType = payloadType;
	}

	/** The task name. */
	public String name() {
		return this.name;
	}

	/** The type of payload the method takes (primitive types boxed). */
	public Class<?> payloadType() {
		return this.payloadType;
	}

	/** The method's generic return type ({@code void} for a method that returns nothing). */
	public Type resultType() {
		return this.method.getGenericReturnType();
	}

	/** The name of the bean whose method this is. */
	public String beanName() {
		return this.beanName;
	}

	/** The {@code @OnTask} method. */
	public Method method() {
		return this.method;
	}

	/**
	 * This handler's position in its registry, {@code 0 .. n-1}, given at registration: lets per-handler state
	 * live in arrays instead of maps.
	 */
	public int index() {
		return this.index;
	}

	void index(int index) {
		this.index = index;
	}

	/** The counters of this task name. */
	public TaskCounters counters() {
		return this.counters;
	}

	/** The {@code @OnFinish} methods that apply to this task name, in order. */
	public List<FinishListener> listeners() {
		return this.listeners;
	}

	/**
	 * Runs the method on the calling thread.
	 * @return its return value ({@code null} for {@code void})
	 * @throws Throwable whatever the method threw
	 */
	public @Nullable Object invoke(Object payload, TaskContext context) throws Throwable {
		return call(payload, context);
	}

	/** The {@code TaskResult}-typed listeners of this task name, in order: those called for every outcome. */
	public FinishListener[] resultListeners() {
		return this.resultListeners;
	}

	/**
	 * The listeners of a successful task whose result is of this type, in {@code @Order} order: the
	 * {@code TaskResult}-typed ones and those whose parameter type the result is an instance of.
	 */
	public FinishListener[] listenersFor(Class<?> resultType) {
		Cached last = this.last;
		if (last != null && last.resultType == resultType) {
			return last.listeners;
		}
		FinishListener[] listeners = this.listenersByType.computeIfAbsent(resultType, this::matching);
		this.last = new Cached(resultType, listeners);
		return listeners;
	}

	private FinishListener[] matching(Class<?> resultType) {
		List<FinishListener> matches = new ArrayList<>();
		for (FinishListener listener : this.listeners) {
			if (listener.takesTaskResult() || listener.valueType().isAssignableFrom(resultType)) {
				matches.add(listener);
			}
		}
		return matches.toArray(NONE);
	}

	void bindListeners(List<FinishListener> ordered) {
		this.listeners = ordered.stream().filter((listener) -> listener.appliesTo(this.name)).toList();
		this.resultListeners = this.listeners.stream()
			.filter(FinishListener::takesTaskResult)
			.toArray(FinishListener[]::new);
		this.observesDispatchTime = this.takesContext
				|| this.listeners.stream().anyMatch((listener) -> listener.takesContext);
	}

	/**
	 * Whether anything can read {@code TaskContext.dispatchedAt()} of this task name: the method or one of its
	 * listeners declares a {@code TaskContext}. Clock reads are not free (tens of nanoseconds on a VM), so a task
	 * nobody can ask is not stamped.
	 */
	public boolean observesDispatchTime() {
		return this.observesDispatchTime;
	}

	/**
	 * Whether an {@code @OnFinish} method can read {@code TaskResult.runTime()} of this task name. A task with a
	 * callback (or future, or wait) always can.
	 */
	public boolean observesRunTime() {
		return this.resultListeners.length > 0;
	}

	private record Cached(Class<?> resultType, FinishListener[] listeners) {
	}

}
