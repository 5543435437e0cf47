package io.github.asynctask.autoconfigure.actuate;

import io.github.asynctask.TaskServer;
import io.github.asynctask.actuate.AsyncTaskCluster;
import io.github.asynctask.actuate.AsyncTaskHealthIndicator;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.autoconfigure.AsyncTaskProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the task server's
 * health indicator (component {@code asyncTask}), when Spring Boot's health support is on the classpath and
 * {@code management.health.asynctask.enabled} is not {@code false}.
 */
@AutoConfiguration(after = AsyncTaskAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnEnabledHealthIndicator("asynctask")
@ConditionalOnBean(TaskServer.class)
public final class AsyncTaskHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "asyncTaskHealthIndicator")
	AsyncTaskHealthIndicator asyncTaskHealthIndicator(TaskServer server, AsyncTaskProperties properties,
			ObjectProvider<AsyncTaskCluster> cluster) {
		return new AsyncTaskHealthIndicator(server, () -> AsyncTaskState.of(server),
				(long) properties.getQueueCapacity() * server.taskWorkerNum(),
				properties.getHealth().getQueueFillThreshold(), cluster.getIfUnique());
	}

}
