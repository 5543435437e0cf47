package io.github.asynctask.autoconfigure.metrics;

import io.github.asynctask.TaskServer;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.metrics.TaskMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.util.function.SingletonSupplier;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@code async.task.*} meters: registered when Micrometer is on the classpath and a {@link MeterRegistry} bean
 * exists (Spring Boot's metrics auto-configuration makes one).
 */
@AutoConfiguration(after = AsyncTaskAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, TaskHandlerRegistry.class, TaskServer.class })
public final class AsyncTaskMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TaskMetrics asyncTaskMetrics(TaskHandlerRegistry handlers, ObjectProvider<TaskServer> server) {
		// the server is looked up at binding: it takes this bean as one of its observers
		return new TaskMetrics(handlers, SingletonSupplier.of(server::getObject));
	}

}
