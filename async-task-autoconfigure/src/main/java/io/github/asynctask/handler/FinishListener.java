package io.github.asynctask.handler;

import java.lang.reflect.Method;
import java.util.Set;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskResult;

import org.springframework.beans.factory.BeanFactory;

/**
 * One {@code @OnFinish} method, with its pre-bound invoker.
 * <p>
 * Threading: immutable; {@link #invoke} runs the method on the calling thread.
 */
public final class FinishListener extends BeanMethod {

	private final Class<?> valueType;

	private final boolean takesTaskResult;

	private final Set<String> taskNames;

	private final int order;

	FinishListener(BeanFactory beanFactory, String beanName, Method method, int[] argumentOrder, Class<?> valueType,
			Set<String> taskNames, int order) {
		super(beanFactory, beanName, method, argumentOrder);
		this.valueType = valueType;
		this.takesTaskResult = TaskResult.class == valueType;
		this.taskNames = taskNames;
		this.order = order;
	}

	/**
	 * Calls the method with the outcome (or its value, for a value-typed method) and the task's context.
	 */
	public void invoke(TaskResult<?> result, TaskContext context) throws Throwable {
		call(this.takesTaskResult ? result : result.value(), context);
	}

	boolean takesTaskResult() {
		return this.takesTaskResult;
	}

	Class<?> valueType() {
		return this.valueType;
	}

	Set<String> taskNames() {
		return this.taskNames;
	}

	boolean appliesTo(String taskName) {
		return this.taskNames.isEmpty() || this.taskNames.contains(taskName);
	}

	/** The name of the bean whose method this is. */
	public String beanName() {
		return this.beanName;
	}

	/** The {@code @OnFinish} method. */
	public Method method() {
		return this.method;
	}

	int order() {
		return this.order;
	}

}
