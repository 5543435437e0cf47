package io.github.asynctask.autoconfigure.dashboard;

import java.util.Map;

import io.github.asynctask.TaskServer;
import io.github.asynctask.actuate.ThroughputSampler;
import io.github.asynctask.autoconfigure.AsyncTaskProperties;
import io.github.asynctask.autoconfigure.actuate.AsyncTaskEndpointAutoConfiguration;
import io.github.asynctask.dashboard.DashboardPage;
import io.github.asynctask.handler.TaskHandlerRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the dashboard page,
 * when {@code async-task.dashboard.enabled=true} in a Spring MVC application whose {@code asynctask} Actuator endpoint
 * is available: the page at {@code async-task.dashboard.path}, its assets under {@code <path>/assets/}, and the
 * {@link ThroughputSampler} that fills its chart. The page reads the endpoint over HTTP, so the endpoint must be
 * exposed on the web ({@code management.endpoints.web.exposure.include=asynctask}); startup fails saying so when it
 * is not.
 */
@AutoConfiguration(after = AsyncTaskEndpointAutoConfiguration.class,
		afterName = { "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration" })
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ SimpleUrlHandlerMapping.class, Endpoint.class, ConditionalOnAvailableEndpoint.class,
		PathMappedEndpoints.class })
@ConditionalOnProperty(name = "async-task.dashboard.enabled", havingValue = "true")
@ConditionalOnBean({ TaskServer.class, TaskHandlerRegistry.class })
public final class AsyncTaskDashboardAutoConfiguration {

	private static final EndpointId ENDPOINT = EndpointId.of("asynctask");

	@Bean
	@ConditionalOnMissingBean
	ThroughputSampler asyncTaskThroughputSampler(TaskServer server, TaskHandlerRegistry handlers) {
		return new ThroughputSampler(server, handlers);
	}

	@Bean
	SimpleUrlHandlerMapping asyncTaskDashboardHandlerMapping(AsyncTaskProperties properties,
			ObjectProvider<PathMappedEndpoints> endpoints, ObjectProvider<EndpointAccessResolver> access) {
		String path = properties.getDashboard().getPath();
		PathMappedEndpoints mapped = endpoints.getIfAvailable();
		String endpointPath = (mapped != null) ? mapped.getPath(ENDPOINT) : null;
		if (endpointPath == null) {
			throw new IllegalStateException("async-task.dashboard.enabled=true, but the asynctask endpoint is not "
					+ "exposed over HTTP, and the dashboard reads it there. Add asynctask to "
					+ "management.endpoints.web.exposure.include (e.g. management.endpoints.web.exposure.include="
					+ "health,asynctask), or remove async-task.dashboard.enabled.");
		}
		EndpointAccessResolver resolver = access.getIfAvailable();
		boolean writable = resolver != null && resolver.accessFor(ENDPOINT, Access.READ_ONLY) == Access.UNRESTRICTED;
		DashboardPage page = new DashboardPage(path, endpointPath, writable);
		SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(Map.of(path, page, path + "/", page));
		mapping.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return mapping;
	}

	@Bean
	WebMvcConfigurer asyncTaskDashboardAssets(AsyncTaskProperties properties) {
		String path = properties.getDashboard().getPath();
		return new WebMvcConfigurer() {

			@Override
			public void addResourceHandlers(ResourceHandlerRegistry registry) {
				registry.addResourceHandler(path + "/assets/**")
					.addResourceLocations("classpath:/" + DashboardPage.LOCATION + "assets/");
			}

		};
	}

}
