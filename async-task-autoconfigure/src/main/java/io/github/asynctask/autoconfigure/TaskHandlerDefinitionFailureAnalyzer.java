package io.github.asynctask.autoconfigure;

import io.github.asynctask.handler.TaskHandlerDefinitionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an unusable {@code @OnTask} or {@code @OnFinish} method: which bean and method, what is wrong, and the
 * fix.
 */
class TaskHandlerDefinitionFailureAnalyzer extends AbstractFailureAnalyzer<TaskHandlerDefinitionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TaskHandlerDefinitionException cause) {
		return new FailureAnalysis(cause.getDescription(), cause.getAction(), cause);
	}

}
