package io.github.asynctask.handler;

import java.lang.reflect.Method;

import io.github.asynctask.AsyncTaskException;

import org.springframework.util.ClassUtils;

/**
 * Thrown at startup when an {@code @OnTask} or {@code @OnFinish} method cannot be used; it names the bean, the
 * method and the fix. A {@code FailureAnalyzer} turns it into the startup failure report.
 */
public class TaskHandlerDefinitionException extends AsyncTaskException {

	private final String description;

	private final String action;

	public TaskHandlerDefinitionException(String description, String action) {
		super(description + " " + action);
		this.description = description;
		this.action = action;
	}

	static TaskHandlerDefinitionException of(String beanName, Method method, String problem, String action) {
		return new TaskHandlerDefinitionException(
				"Method " + describe(method) + " of bean '" + beanName + "' " + problem + ".", action);
	}

	static String describe(Method method) {
		StringBuilder sb = new StringBuilder(ClassUtils.getUserClass(method.getDeclaringClass()).getName());
		sb.append('.').append(method.getName()).append('(');
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			sb.append(i > 0 ? ", " : "").append(types[i].getSimpleName());
		}
		return sb.append(')').toString();
	}

	/** What is wrong, naming bean and method. */
	public String getDescription() {
		return this.description;
	}

	/** How to fix it. */
	public String getAction() {
		return this.action;
	}

}
