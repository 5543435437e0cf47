package io.github.asynctask.autoconfigure.actuate;

import io.github.asynctask.TaskServer;
import io.github.asynctask.actuate.AsyncTaskEndpoint;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.autoconfigure.AsyncTaskProperties;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.transport.TaskTransport;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@code asynctask} Actuator endpoint, when Spring Boot Actuator is on the classpath and the endpoint is available
 * ({@code management.endpoints.web.exposure.include=asynctask} exposes it over HTTP).
 */
@AutoConfiguration(after = AsyncTaskAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(AsyncTaskEndpoint.class)
@ConditionalOnBean({ TaskServer.class, TaskHandlerRegistry.class })
public final class AsyncTaskEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AsyncTaskEndpoint asyncTaskEndpoint(TaskServer server, TaskHandlerRegistry handlers,
			ObjectProvider<TaskTransport> transport, AsyncTaskProperties properties) {
		TaskTransport taskTransport = transport.getIfUnique();
		return new AsyncTaskEndpoint(server, handlers, (taskTransport != null) ? taskTransport.name() : "local",
				AsyncTaskState.dispatchMode(properties));
	}

}
