package io.github.asynctask.autoconfigure.actuate;

import java.util.function.ToDoubleFunction;

import io.github.asynctask.TaskServer;
import io.github.asynctask.actuate.AsyncTaskCluster;
import io.github.asynctask.actuate.AsyncTaskEndpoint;
import io.github.asynctask.actuate.ThroughputSampler;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.autoconfigure.AsyncTaskProperties;
import io.github.asynctask.handler.TaskHandler;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.metrics.TaskMetrics;
import io.github.asynctask.transport.TaskTransport;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@code asynctask} Actuator endpoint, when Spring Boot Actuator is on the classpath and the endpoint is available
 * ({@code management.endpoints.web.exposure.include=asynctask} exposes it over HTTP).
 */
@AutoConfiguration(after = AsyncTaskAutoConfiguration.class,
		afterName = "io.github.asynctask.autoconfigure.metrics.AsyncTaskMetricsAutoConfiguration")
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(AsyncTaskEndpoint.class)
@ConditionalOnBean({ TaskServer.class, TaskHandlerRegistry.class })
public final class AsyncTaskEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AsyncTaskEndpoint asyncTaskEndpoint(TaskServer server, TaskHandlerRegistry handlers,
			ObjectProvider<TaskTransport> transport, AsyncTaskProperties properties,
			ObjectProvider<ThroughputSampler> throughput, ObjectProvider<AsyncTaskCluster> cluster,
			ListableBeanFactory beanFactory) {
		TaskTransport taskTransport = transport.getIfUnique();
		return new AsyncTaskEndpoint(server, handlers, (taskTransport != null) ? taskTransport.name() : "local",
				AsyncTaskState.dispatchMode(properties), MeanRunTime.of(beanFactory), throughput.getIfUnique(),
				cluster.getIfUnique());
	}

	/** The mean run time the meters measure, when Micrometer and its {@link TaskMetrics} are there. */
	private static final class MeanRunTime {

		private static final boolean MICROMETER = ClassUtils.isPresent("io.micrometer.core.instrument.MeterRegistry",
				MeanRunTime.class.getClassLoader());

		static @Nullable ToDoubleFunction<TaskHandler> of(ListableBeanFactory beanFactory) {
			if (!MICROMETER) {
				return null;
			}
			TaskMetrics metrics = beanFactory.getBeanProvider(TaskMetrics.class).getIfUnique();
			return (metrics != null) ? metrics::meanRunTimeMillis : null;
		}

	}

}
