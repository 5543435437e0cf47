package io.github.asynctask.handler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.github.asynctask.NoTaskHandlerException;

/**
 * The {@code @OnTask} handlers and {@code @OnFinish} listeners of an application, by task name and by payload type.
 * Filled once at startup by {@link TaskHandlerMethodProcessor} (or by hand), then {@linkplain #freeze() frozen}
 * and read-only.
 * <p>
 * Threading: registration is single-threaded, before {@link #freeze()}; lookups are safe from any thread after it.
 */
public class TaskHandlerRegistry {

	private final Map<String, TaskHandler> handlers = new LinkedHashMap<>();

	private final List<FinishListener> listeners = new ArrayList<>();

	/**
	 * Payload class to its handler, or to the message of the {@code NoTaskHandlerException} it gets. A plain map,
	 * not a {@code ClassValue}: a class value would tie this registry (and its application context) to the payload
	 * class for as long as that class lives.
	 */
	private final Map<Class<?>, Object> byPayloadType = new ConcurrentHashMap<>();

	private volatile boolean frozen;

	/** What runs once the registry is frozen; guarded by itself. */
	private final List<Runnable> whenFrozen = new ArrayList<>();

	/** Adds a handler; fails naming both methods if its task name is taken. */
	public void register(TaskHandler handler) {
		assertNotFrozen();
		TaskHandler existing = this.handlers.putIfAbsent(handler.name(), handler);
		if (existing == null) {
			handler.index(this.handlers.size() - 1);
		}
		else {
			throw new TaskHandlerDefinitionException("Task name '" + handler.name() + "' is handled by two methods: "
					+ existing + " and " + handler + ".",
					"Give one of them another name with @OnTask(\"...\") and dispatch to it with "
							+ "taskTemplate.named(\"...\").");
		}
	}

	/** Adds an {@code @OnFinish} listener. */
	public void register(FinishListener listener) {
		assertNotFrozen();
		this.listeners.add(listener);
	}

	/**
	 * Binds every listener to the handlers it applies to, in {@code @Order} order, and makes the registry
	 * read-only. Fails if a listener names a task that has no handler.
	 */
	public void freeze() {
		if (this.frozen) {
			return;
		}
		for (FinishListener listener : this.listeners) {
			for (String name : listener.taskNames()) {
				if (!this.handlers.containsKey(name)) {
					throw new TaskHandlerDefinitionException("@OnFinish method " + listener + " names task '" + name
							+ "', but no @OnTask method handles it; task names are " + taskNames() + ".",
							"Correct the name in @OnFinish, or add an @OnTask method for '" + name + "'.");
				}
			}
		}
		List<FinishListener> ordered = new ArrayList<>(this.listeners);
		ordered.sort(Comparator.comparingInt(FinishListener::order));
		this.handlers.values().forEach((handler) -> handler.bindListeners(ordered));
		List<Runnable> actions;
		synchronized (this.whenFrozen) {
			this.frozen = true;
			actions = List.copyOf(this.whenFrozen);
			this.whenFrozen.clear();
		}
		actions.forEach(Runnable::run);
	}

	/**
	 * Runs {@code action} once the handlers are known: now if the registry is frozen, else right after it is, on
	 * the thread that freezes it (e.g. to register per-task meters, whichever comes first).
	 */
	public void whenFrozen(Runnable action) {
		synchronized (this.whenFrozen) {
			if (!this.frozen) {
				this.whenFrozen.add(action);
				return;
			}
		}
		action.run();
	}

	/** The handlers, in {@link TaskHandler#index()} order. */
	public List<TaskHandler> handlers() {
		return List.copyOf(this.handlers.values());
	}

	/** Whether registration is over and lookups may start. */
	public boolean isFrozen() {
		return this.frozen;
	}

	/** The registered task names, sorted. */
	public Set<String> taskNames() {
		return new TreeSet<>(this.handlers.keySet());
	}

	/**
	 * The handler of a task name.
	 * @throws NoTaskHandlerException if none has that name
	 */
	public TaskHandler handler(String taskName) {
		if (!this.frozen) {
			throw new NoTaskHandlerException("Task handlers are not registered yet: dispatch to '" + taskName
					+ "' after the application context has refreshed.");
		}
		TaskHandler handler = this.handlers.get(taskName);
		if (handler == null) {
			throw new NoTaskHandlerException("No @OnTask method handles task '" + taskName + "'; task names are "
					+ taskNames() + ".");
		}
		return handler;
	}

	/**
	 * The handler of a payload: the one taking exactly its class, else the one taking its most specific supertype.
	 * Cached per class.
	 * @throws NoTaskHandlerException if none, or more than one equally specific, takes it
	 */
	public TaskHandler handlerFor(Class<?> payloadType) {
		Object resolved = this.byPayloadType.get(payloadType);
		if (resolved == null) {
			if (!this.frozen) {
				throw new NoTaskHandlerException("Task handlers are not registered yet: dispatch after the "
						+ "application context has refreshed.");
			}
			resolved = this.byPayloadType.computeIfAbsent(payloadType, this::resolve);
		}
		if (resolved instanceof TaskHandler handler) {
			return handler;
		}
		throw new NoTaskHandlerException((String) resolved);
	}

	private Object resolve(Class<?> type) {
		List<TaskHandler> candidates = this.handlers.values().stream()
			.filter((handler) -> handler.payloadType().isAssignableFrom(type))
			.toList();
		List<TaskHandler> mostSpecific = candidates.stream()
			.filter((handler) -> candidates.stream()
				.noneMatch((other) -> other != handler && other.payloadType() != handler.payloadType()
						&& handler.payloadType().isAssignableFrom(other.payloadType())))
			.toList();
		if (mostSpecific.size() == 1) {
			return mostSpecific.get(0);
		}
		if (mostSpecific.isEmpty()) {
			return "No @OnTask method takes a payload of type " + type.getName() + "; task names are " + taskNames()
					+ ". Add an @OnTask method whose parameter is " + type.getSimpleName()
					+ " (or a supertype), or dispatch through taskTemplate.named(\"...\").";
		}
		return "Payload type " + type.getName() + " is ambiguous: it is taken by tasks "
				+ mostSpecific.stream().map((handler) -> "'" + handler.name() + "' (" + handler + ")")
					.collect(Collectors.joining(", "))
				+ "; task names are " + taskNames() + ". Dispatch through taskTemplate.named(\"...\").";
	}

	private void assertNotFrozen() {
		if (this.frozen) {
			throw new IllegalStateException("The task handler registry is frozen: register handlers before start.");
		}
	}

}
