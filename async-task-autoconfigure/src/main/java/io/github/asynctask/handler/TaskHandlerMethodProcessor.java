package io.github.asynctask.handler;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskResult;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.Order;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Finds {@code @OnTask} and {@code @OnFinish} methods on bean types once every singleton exists, validates them
 * and registers them, then freezes the registry. Bean types are inspected without creating beans, so lazy beans
 * are found too and created on their first task; proxied beans are invoked through their proxy.
 * <p>
 * Modelled on Spring's {@code EventListenerMethodProcessor}.
 */
public class TaskHandlerMethodProcessor implements SmartInitializingSingleton, BeanFactoryAware {

	private static final Set<Class<? extends java.lang.annotation.Annotation>> ANNOTATIONS = Set.of(OnTask.class,
			OnFinish.class);

	private final TaskHandlerRegistry registry;

	private final Map<String, ExecutionSettings.Overrides> overrides;

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	public TaskHandlerMethodProcessor(TaskHandlerRegistry registry) {
		this(registry, Map.of());
	}

	/**
	 * @param overrides per task name, what configuration overrides in {@code @OnTask} (properties win); a name
	 * that no handler has fails startup
	 */
	public TaskHandlerMethodProcessor(TaskHandlerRegistry registry,
			Map<String, ExecutionSettings.Overrides> overrides) {
		this.registry = registry;
		this.overrides = Map.copyOf(overrides);
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ConfigurableListableBeanFactory factory = this.beanFactory;
		if (factory == null) {
			throw new IllegalStateException("No BeanFactory set");
		}
		for (String beanName : factory.getBeanNamesForType(Object.class, true, false)) {
			if (ScopedProxyUtils.isScopedTarget(beanName)) {
				continue;
			}
			Class<?> targetType = AutoProxyUtils.determineTargetClass(factory, beanName);
			if (targetType != null && Proxy.isProxyClass(targetType) && factory.containsSingleton(beanName)) {
				// a JDK proxy made outside an auto-proxy creator (e.g. by a BeanPostProcessor): its class shows
				// only the interfaces, so look at the proxied object's class for the annotations
				targetType = AopProxyUtils.ultimateTargetClass(factory.getSingleton(beanName));
			}
			if (targetType != null && AnnotationUtils.isCandidateClass(targetType, ANNOTATIONS)) {
				process(factory, beanName, targetType);
			}
		}
		assertOverridesNameTasks();
		this.registry.freeze();
	}

	private void assertOverridesNameTasks() {
		Set<String> taskNames = this.registry.taskNames();
		for (String name : new TreeSet<>(this.overrides.keySet())) {
			if (!taskNames.contains(name)) {
				throw new TaskHandlerDefinitionException("The properties async-task.tasks." + name
						+ ".* configure task '" + name + "', but no @OnTask method handles it; task names are "
						+ taskNames + ".",
						"Use one of the task names under async-task.tasks (they are case-sensitive; write a name "
								+ "that has dots in brackets, e.g. async-task.tasks[report.build].retries=3), or remove "
								+ "the entry.");
			}
		}
	}

	private void process(ConfigurableListableBeanFactory factory, String beanName, Class<?> targetType) {
		Map<Method, OnTask> tasks = MethodIntrospector.selectMethods(targetType,
				(MethodIntrospector.MetadataLookup<OnTask>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, OnTask.class));
		Map<Method, OnFinish> finishes = MethodIntrospector.selectMethods(targetType,
				(MethodIntrospector.MetadataLookup<OnFinish>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, OnFinish.class));
		if (tasks.isEmpty() && finishes.isEmpty()) {
			return;
		}
		Class<?> exposedType = factory.getType(beanName);
		exposedType = (exposedType != null) ? exposedType : targetType;
		for (Map.Entry<Method, OnTask> entry : tasks.entrySet()) {
			Method method = invocable(beanName, entry.getKey(), exposedType);
			this.registry.register(
					taskHandler(factory, beanName, entry.getKey(), method, entry.getValue(), this.overrides));
		}
		for (Map.Entry<Method, OnFinish> entry : finishes.entrySet()) {
			Method method = invocable(beanName, entry.getKey(), exposedType);
			this.registry.register(finishListener(factory, beanName, entry.getKey(), method, entry.getValue()));
		}
	}

	private static Method invocable(String beanName, Method method, Class<?> exposedType) {
		try {
			return AopUtils.selectInvocableMethod(method, exposedType);
		}
		catch (IllegalStateException ex) {
			throw TaskHandlerDefinitionException.of(beanName, method,
					"cannot be called through the bean's JDK proxy: "
							+ StringUtils.trimTrailingCharacter(String.valueOf(ex.getMessage()), '.'),
					"Declare the method on an interface the bean implements, or proxy the target class "
							+ "(spring.aop.proxy-target-class=true).");
		}
	}

	static TaskHandler taskHandler(BeanFactory factory, String beanName, Method declared, Method method,
			OnTask onTask, Map<String, ExecutionSettings.Overrides> overrides) {
		Class<?>[] types = declared.getParameterTypes();
		int contextIndex = -1;
		int payloadIndex = -1;
		int payloads = 0;
		for (int i = 0; i < types.length; i++) {
			if (types[i] == TaskContext.class) {
				if (contextIndex >= 0) {
					throw TaskHandlerDefinitionException.of(beanName, declared, "declares TaskContext twice",
							"Keep one TaskContext parameter.");
				}
				contextIndex = i;
			}
			else {
				payloadIndex = i;
				payloads++;
			}
		}
		if (payloads != 1) {
			String problem = (payloads == 0) ? "has no payload parameter"
					: "has " + payloads + " payload parameters, but a task has exactly one payload";
			throw TaskHandlerDefinitionException.of(beanName, declared, "is annotated with @OnTask but " + problem,
					"Give it exactly one payload parameter of any type, and optionally a TaskContext, "
							+ "e.g. @OnTask Receipt send(SendEmail job, TaskContext ctx).");
		}
		Class<?> payloadType = ClassUtils.resolvePrimitiveIfNecessary(types[payloadIndex]);
		String name = StringUtils.hasText(onTask.name()) ? onTask.name().trim() : payloadType.getSimpleName();
		int[] order = new int[types.length];
		order[payloadIndex] = 0;
		if (contextIndex >= 0) {
			order[contextIndex] = 1;
		}
		ExecutionSettings settings = executionSettings(factory, beanName, declared, onTask);
		ExecutionSettings.Overrides configured = overrides.get(name);
		if (configured != null) {
			settings = settings.with(configured);
		}
		return new TaskHandler(factory, beanName, method, name, payloadType, order, settings);
	}

	private static ExecutionSettings executionSettings(BeanFactory factory, String beanName, Method declared,
			OnTask onTask) {
		if (onTask.retries() < 0) {
			throw TaskHandlerDefinitionException.of(beanName, declared,
					"has @OnTask(retries = " + onTask.retries() + "), but retries cannot be negative",
					"Set retries to 0 (run once, the default) or more, e.g. @OnTask(retries = 3).");
		}
		Duration backoff = duration(factory, beanName, declared, "backoff", onTask.backoff());
		if (backoff == null) {
			backoff = ExecutionSettings.DEFAULT_BACKOFF;
		}
		Duration timeout = duration(factory, beanName, declared, "timeout", onTask.timeout());
		if (timeout != null && timeout.isZero()) {
			throw TaskHandlerDefinitionException.of(beanName, declared,
					"has @OnTask(timeout = \"" + onTask.timeout() + "\"), but a timeout must be positive",
					"Give a positive duration such as timeout = \"30s\", or leave timeout empty for no limit.");
		}
		return new ExecutionSettings(onTask.retries(), backoff, timeout, List.of(onTask.retryOn()),
				List.of(onTask.noRetryOn()), 0);
	}

	/** Parses a duration attribute ({@code ${...}} placeholders resolved); {@code null} if empty. */
	private static @Nullable Duration duration(BeanFactory factory, String beanName, Method declared,
			String attribute, String value) {
		String text = value;
		if (factory instanceof ConfigurableBeanFactory configurable && text.contains("${")) {
			String resolved = configurable.resolveEmbeddedValue(text);
			text = (resolved != null) ? resolved : "";
		}
		text = text.trim();
		if (text.isEmpty()) {
			return null;
		}
		Duration duration;
		try {
			duration = DurationStyle.detectAndParse(text);
		}
		catch (RuntimeException ex) {
			throw TaskHandlerDefinitionException.of(beanName, declared, "has @OnTask(" + attribute + " = \"" + value
					+ "\"), which is not a duration",
					"Write the " + attribute + " as a duration such as \"500ms\", \"30s\", \"5m\" or \"PT1M\".");
		}
		if (duration.isNegative()) {
			throw TaskHandlerDefinitionException.of(beanName, declared, "has @OnTask(" + attribute + " = \"" + value
					+ "\"), but it cannot be negative",
					"Write a positive duration such as \"500ms\" or \"30s\".");
		}
		return duration;
	}

	static FinishListener finishListener(BeanFactory factory, String beanName, Method declared, Method method,
			OnFinish onFinish) {
		Class<?>[] types = declared.getParameterTypes();
		boolean valid = (types.length == 1 && types[0] != TaskContext.class)
				|| (types.length == 2 && types[0] != TaskContext.class && types[0] != TaskResult.class
						&& types[1] == TaskContext.class);
		if (!valid) {
			throw TaskHandlerDefinitionException.of(beanName, declared,
					"is annotated with @OnFinish but has an unsupported signature",
					"Declare (R result) or (R result, TaskContext ctx) to receive successful results of type R, "
							+ "or (TaskResult<?> result) to receive every outcome.");
		}
		Set<String> names = new LinkedHashSet<>();
		Arrays.stream(onFinish.taskNames()).map(String::trim).filter(StringUtils::hasText).forEach(names::add);
		Order order = AnnotatedElementUtils.findMergedAnnotation(declared, Order.class);
		int[] argumentOrder = (types.length == 1) ? new int[] { 0 } : new int[] { 0, 1 };
		return new FinishListener(factory, beanName, method, argumentOrder,
				ClassUtils.resolvePrimitiveIfNecessary(types[0]), Set.copyOf(names),
				(order != null) ? order.value() : Ordered.LOWEST_PRECEDENCE);
	}

}
