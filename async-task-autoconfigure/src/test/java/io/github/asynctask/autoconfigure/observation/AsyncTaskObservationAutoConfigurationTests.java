package io.github.asynctask.autoconfigure.observation;

import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.metrics.TaskObservationInterceptor;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AsyncTaskObservationAutoConfiguration}: off by default, on with {@code async-task.observations.enabled}
 * and an {@link ObservationRegistry}, off without the library or the registry.
 */
class AsyncTaskObservationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(AsyncTaskAutoConfiguration.class, AsyncTaskObservationAutoConfiguration.class))
		.withBean(ObservationRegistry.class, ObservationRegistry::create);

	@Test
	void offByDefault() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(TaskObservationInterceptor.class));
	}

	@Test
	void onWhenEnabled() {
		this.runner.withPropertyValues("async-task.observations.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(TaskObservationInterceptor.class));
	}

	@Test
	void offWithoutAnObservationRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class,
					AsyncTaskObservationAutoConfiguration.class))
			.withPropertyValues("async-task.observations.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TaskObservationInterceptor.class));
	}

	@Test
	void offWithoutMicrometerObservation() {
		this.runner.withPropertyValues("async-task.observations.enabled=true")
			.withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TaskObservationInterceptor.class));
	}

}
