package io.github.asynctask.autoconfigure.actuate;

import io.github.asynctask.actuate.AsyncTaskEndpoint;
import io.github.asynctask.actuate.AsyncTaskHealthIndicator;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AsyncTaskEndpointAutoConfiguration} and {@link AsyncTaskHealthContributorAutoConfiguration}: on with
 * Actuator, off without it, off when disabled, and the threshold property.
 */
class AsyncTaskActuateAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class,
				AsyncTaskEndpointAutoConfiguration.class, AsyncTaskHealthContributorAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=asynctask");

	@Test
	void endpointAndHealthWithActuator() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(AsyncTaskEndpoint.class)
				.hasSingleBean(AsyncTaskHealthIndicator.class)
				.hasBean("asyncTaskHealthIndicator");
			assertThat(context.getBean(AsyncTaskHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void noEndpointWhenNotExposed() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class,
					AsyncTaskEndpointAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AsyncTaskEndpoint.class));
	}

	@Test
	void noEndpointWithoutActuator() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AsyncTaskEndpoint.class));
	}

	@Test
	void noEndpointWithoutActuatorAutoConfigure() {
		this.runner.withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AsyncTaskEndpoint.class));
	}

	@Test
	void noHealthWithoutHealthSupport() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AsyncTaskHealthIndicator.class));
		this.runner.withClassLoader(new FilteredClassLoader(ConditionalOnEnabledHealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AsyncTaskHealthIndicator.class));
	}

	@Test
	void noHealthWhenDisabled() {
		this.runner.withPropertyValues("management.health.asynctask.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AsyncTaskHealthIndicator.class));
	}

	@Test
	void aBadThresholdFailsStartupNamingTheKey() {
		this.runner.withPropertyValues("async-task.health.queue-fill-threshold=1.5")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("async-task.health.queue-fill-threshold")
				.hasMessageContaining("1.5"));
	}

}
