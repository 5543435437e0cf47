package io.github.asynctask.autoconfigure.metrics;

import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.metrics.TaskMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AsyncTaskMetricsAutoConfiguration}: on with a {@link MeterRegistry}, off without Micrometer or without a
 * registry, backs off to a user's {@link TaskMetrics}.
 */
class AsyncTaskMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(AsyncTaskAutoConfiguration.class, AsyncTaskMetricsAutoConfiguration.class));

	@Test
	void metricsWithAMeterRegistry() {
		this.runner.withBean(SimpleMeterRegistry.class).run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(TaskMetrics.class));
	}

	@Test
	void noMetricsWithoutAMeterRegistry() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TaskMetrics.class));
	}

	@Test
	void noMetricsWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TaskMetrics.class));
	}

	@Test
	void backsOffToAUserBean() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.withBean("myMetrics", TaskMetrics.class, () -> new TaskMetrics(new TaskHandlerRegistry(), () -> null))
			.run((context) -> assertThat(context).hasSingleBean(TaskMetrics.class).hasBean("myMetrics"));
	}

}
