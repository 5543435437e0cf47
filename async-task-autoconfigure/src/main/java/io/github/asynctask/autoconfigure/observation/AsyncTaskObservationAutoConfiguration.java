package io.github.asynctask.autoconfigure.observation;

import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.metrics.TaskDispatchObservationConvention;
import io.github.asynctask.metrics.TaskExecutionObservationConvention;
import io.github.asynctask.metrics.TaskObservationInterceptor;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@code async.task.dispatch} and {@code async.task.execution} observations, when
 * {@code async-task.observations.enabled=true} and an {@link ObservationRegistry} bean exists. A
 * {@link TaskDispatchObservationConvention} or {@link TaskExecutionObservationConvention} bean replaces the default
 * convention.
 */
@AutoConfiguration(after = AsyncTaskAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnBooleanProperty("async-task.observations.enabled")
public final class AsyncTaskObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TaskObservationInterceptor asyncTaskObservationInterceptor(ObservationRegistry registry,
			ObjectProvider<TaskDispatchObservationConvention> dispatchConvention,
			ObjectProvider<TaskExecutionObservationConvention> executionConvention) {
		return new TaskObservationInterceptor(registry, dispatchConvention.getIfUnique(),
				executionConvention.getIfUnique());
	}

}
