package io.github.asynctask.handler;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.util.ReflectionUtils;

/**
 * A bean method turned into a {@link MethodHandle} of type {@code (Object bean, Object arg0, Object arg1)Object},
 * built once at startup; the bean itself is looked up on first use so that lazy beans stay lazy until their first
 * task.
 */
abstract class BeanMethod {

	private static final MethodType INVOKER_TYPE = MethodType.methodType(Object.class, Object.class, Object.class,
			Object.class);

	final String beanName;

	final Method method;

	private final BeanFactory beanFactory;

	private final MethodHandle invoker;

	/** Whether the method declares a {@code TaskContext} parameter (invoker argument 1 for both kinds). */
	final boolean takesContext;

	private volatile @Nullable Object bean;

	/**
	 * @param argumentOrder for each method parameter, which of the two invoker arguments it receives (0 or 1)
	 */
	BeanMethod(BeanFactory beanFactory, String beanName, Method method, int[] argumentOrder) {
		this.beanFactory = beanFactory;
		this.beanName = beanName;
		this.method = method;
		this.invoker = invoker(method, argumentOrder);
		this.takesContext = method.getParameterCount() == 2
				&& java.util.Arrays.stream(argumentOrder).anyMatch((argument) -> argument == 1);
	}

	private static MethodHandle invoker(Method method, int[] argumentOrder) {
		ReflectionUtils.makeAccessible(method);
		MethodHandle handle;
		try {
			handle = MethodHandles.lookup().unreflect(method);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("Cannot access " + method, ex);
		}
		if (Modifier.isStatic(method.getModifiers())) {
			handle = MethodHandles.dropArguments(handle, 0, Object.class);
		}
		// (bean, p0 .. pn) -> (bean, a0, a1): each method parameter takes argument 1 + argumentOrder[i]
		MethodType generic = handle.type().generic();
		handle = handle.asType(generic.changeReturnType(
				handle.type().returnType() == void.class ? void.class : Object.class));
		int[] reorder = new int[argumentOrder.length + 1];
		for (int i = 0; i < argumentOrder.length; i++) {
			reorder[i + 1] = 1 + argumentOrder[i];
		}
		MethodType target = MethodType.methodType(handle.type().returnType(), Object.class, Object.class,
				Object.class);
		handle = MethodHandles.permuteArguments(handle, target, reorder);
		return handle.asType(INVOKER_TYPE);
	}

	final @Nullable Object call(@Nullable Object arg0, @Nullable Object arg1) throws Throwable {
		Object target = this.bean;
		if (target == null) {
			target = resolveBean();
		}
		return this.invoker.invokeExact(target, arg0, arg1);
	}

	private Object resolveBean() {
		Object target = (Modifier.isStatic(this.method.getModifiers())) ? this : this.beanFactory.getBean(this.beanName);
		this.bean = target;
		return target;
	}

	@Override
	public String toString() {
		return TaskHandlerDefinitionException.describe(this.method) + " of bean '" + this.beanName + "'";
	}

}
