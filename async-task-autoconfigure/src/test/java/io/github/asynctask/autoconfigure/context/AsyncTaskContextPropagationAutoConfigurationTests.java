package io.github.asynctask.autoconfigure.context;

import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.context.ContextPropagatingTaskInterceptor;
import io.micrometer.context.ContextSnapshotFactory;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AsyncTaskContextPropagationAutoConfiguration}: on by default, off with
 * {@code async-task.propagate-context=false} or without context-propagation, backs off to a user bean.
 */
class AsyncTaskContextPropagationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(AsyncTaskAutoConfiguration.class, AsyncTaskContextPropagationAutoConfiguration.class));

	@Test
	void onByDefault() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(ContextPropagatingTaskInterceptor.class));
	}

	@Test
	void offWhenDisabled() {
		this.runner.withPropertyValues("async-task.propagate-context=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ContextPropagatingTaskInterceptor.class));
	}

	@Test
	void offWithoutContextPropagation() {
		this.runner.withClassLoader(new FilteredClassLoader(ContextSnapshotFactory.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ContextPropagatingTaskInterceptor.class));
	}

	@Test
	void backsOffToAUserBean() {
		this.runner.withBean("mine", ContextPropagatingTaskInterceptor.class, ContextPropagatingTaskInterceptor::new)
			.run((context) -> assertThat(context).hasSingleBean(ContextPropagatingTaskInterceptor.class)
				.hasBean("mine"));
	}

}
