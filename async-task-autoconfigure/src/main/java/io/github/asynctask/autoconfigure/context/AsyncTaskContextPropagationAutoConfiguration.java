package io.github.asynctask.autoconfigure.context;

import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.context.ContextPropagatingTaskInterceptor;
import io.github.asynctask.context.MdcThreadLocalAccessor;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that carries the
 * dispatching thread's context into tasks ({@code async-task.propagate-context}, on by default), through
 * context-propagation's global {@link ContextRegistry}; with SLF4J on the classpath and no MDC accessor registered,
 * it registers one, so that the MDC is carried with nothing more than the starter.
 */
@AutoConfiguration(after = AsyncTaskAutoConfiguration.class)
@ConditionalOnClass(ContextSnapshotFactory.class)
@ConditionalOnBooleanProperty(name = "async-task.propagate-context", matchIfMissing = true)
public final class AsyncTaskContextPropagationAutoConfiguration {

	private static final String MDC = "org.slf4j.MDC";

	@Bean
	@ConditionalOnMissingBean
	ContextPropagatingTaskInterceptor asyncTaskContextPropagatingInterceptor() {
		ContextRegistry registry = ContextRegistry.getInstance();
		if (ClassUtils.isPresent(MDC, AsyncTaskContextPropagationAutoConfiguration.class.getClassLoader())) {
			MdcThreadLocalAccessor.registerIfMissing(registry);
		}
		return new ContextPropagatingTaskInterceptor(registry);
	}

}
