package io.github.asynctask.autoconfigure;

import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.handler.TaskHandlerMethodProcessor;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.server.DefaultTaskTemplate;
import io.github.asynctask.server.LocalTaskServer;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for async-task: the
 * handler registry filled from {@code @OnTask}/{@code @OnFinish} methods, the in-process {@link TaskServer} and the
 * {@link TaskTemplate}.
 */
@AutoConfiguration
@EnableConfigurationProperties(AsyncTaskProperties.class)
public final class AsyncTaskAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	TaskHandlerRegistry asyncTaskHandlerRegistry() {
		return new TaskHandlerRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	TaskHandlerMethodProcessor asyncTaskHandlerMethodProcessor(TaskHandlerRegistry registry,
			AsyncTaskProperties properties) {
		return new TaskHandlerMethodProcessor(registry, properties.executionOverrides());
	}

	@Bean
	@ConditionalOnMissingBean(TaskServer.class)
	LocalTaskServer taskServer(AsyncTaskProperties properties) {
		return new LocalTaskServer(properties.toSettings());
	}

	@Bean
	@ConditionalOnMissingBean
	TaskTemplate taskTemplate(LocalTaskServer taskServer, TaskHandlerRegistry registry) {
		return new DefaultTaskTemplate(taskServer, registry);
	}

}
