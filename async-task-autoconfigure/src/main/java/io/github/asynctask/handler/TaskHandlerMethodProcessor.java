package io.github.asynctask.handler;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

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
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
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

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	public TaskHandlerMethodProcessor(TaskHandlerRegistry registry) {
		this.registry = registry;
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
		this.registry.freeze();
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
			this.registry.register(taskHandler(factory, beanName, entry.getKey(), method, entry.getValue()));
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
			OnTask onTask) {
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
		return new TaskHandler(factory, beanName, method, name, payloadType, order);
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
