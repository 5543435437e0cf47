package io.github.asynctask.autoconfigure;

import io.github.asynctask.TaskFailureHandler;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.dispatch.DefaultTaskTemplate;
import io.github.asynctask.dispatch.TaskDispatcher;
import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.FailureHandlerObserver;
import io.github.asynctask.execution.LoggingTaskObserver;
import io.github.asynctask.execution.TaskEvents;
import io.github.asynctask.execution.TaskIdGenerator;
import io.github.asynctask.execution.TaskInterceptor;
import io.github.asynctask.execution.TaskObserver;
import io.github.asynctask.execution.TaskRunner;
import io.github.asynctask.handler.TaskHandlerMethodProcessor;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.server.DefaultTaskServer;
import io.github.asynctask.transport.local.LocalTransport;
import io.github.asynctask.transport.TaskTransport;
import io.github.asynctask.workers.WorkerPool;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for async-task: the
 * handler registry filled from {@code @OnTask}/{@code @OnFinish} methods, the task events and runner, the node's
 * {@link WorkerPool} (built once, from the real settings, and composed by whichever transport runs), the transport
 * (in-process unless another {@link TaskTransport} bean exists), the {@link TaskServer} and the {@link TaskTemplate}.
 * Any {@link TaskObserver} and {@link TaskInterceptor} beans join the events and the execution chains, and any
 * {@link TaskFailureHandler} beans hear of every task that ends {@code FAILED} or {@code TIMED_OUT}.
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
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	UnknownPropertyReporter asyncTaskUnknownPropertyReporter(Environment environment, ResourceLoader resourceLoader) {
		return new UnknownPropertyReporter(environment, "async-task", resourceLoader.getClassLoader());
	}

	@Bean
	@ConditionalOnMissingBean
	LoggingTaskObserver asyncTaskLoggingObserver() {
		return new LoggingTaskObserver();
	}

	@Bean
	@ConditionalOnMissingBean
	TaskEvents asyncTaskEvents(ObjectProvider<TaskObserver> observers) {
		return new TaskEvents(observers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnBean(TaskFailureHandler.class)
	FailureHandlerObserver asyncTaskFailureHandlerObserver(ObjectProvider<TaskFailureHandler> handlers) {
		return new FailureHandlerObserver(handlers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	TaskRunner asyncTaskRunner(TaskEvents events) {
		return new TaskRunner(new Completion(events));
	}

	@Bean
	@ConditionalOnMissingBean
	WorkerPool asyncTaskWorkerPool(AsyncTaskProperties properties, TaskRunner runner) {
		return new WorkerPool(properties.toSettings().workerPool(), properties.toExecutionControlSettings(), runner);
	}

	@Bean
	@ConditionalOnMissingBean(TaskTransport.class)
	LocalTransport asyncTaskTransport(WorkerPool pool) {
		return new LocalTransport(pool);
	}

	@Bean
	@ConditionalOnMissingBean({ TaskServer.class, TaskDispatcher.class })
	DefaultTaskServer taskServer(AsyncTaskProperties properties, TaskHandlerRegistry registry, TaskTransport transport,
			WorkerPool pool, TaskRunner runner, ObjectProvider<TaskIdGenerator> ids,
			ObjectProvider<TaskInterceptor> interceptors) {
		return new DefaultTaskServer(properties.toSettings(), registry, transport, pool, runner,
				ids.getIfAvailable(TaskIdGenerator::sequential), interceptors.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(TaskDispatcher.class)
	TaskTemplate taskTemplate(TaskDispatcher dispatcher, TaskHandlerRegistry registry) {
		return new DefaultTaskTemplate(dispatcher, registry);
	}

}
