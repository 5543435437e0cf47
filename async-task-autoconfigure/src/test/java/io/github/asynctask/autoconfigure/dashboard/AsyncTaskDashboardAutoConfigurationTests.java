package io.github.asynctask.autoconfigure.dashboard;

import io.github.asynctask.actuate.AsyncTaskEndpoint;
import io.github.asynctask.actuate.ThroughputSampler;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.autoconfigure.actuate.AsyncTaskEndpointAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AsyncTaskDashboardAutoConfiguration}: off by default, on in a servlet web application with the endpoint
 * exposed, at its path, with the write access the endpoint has; startup fails naming the fix when the endpoint is not
 * exposed; off outside a servlet web application and without Spring MVC.
 */
class AsyncTaskDashboardAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class,
				AsyncTaskEndpointAutoConfiguration.class, AsyncTaskDashboardAutoConfiguration.class,
				EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=asynctask");

	@Test
	void offByDefault() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(AsyncTaskEndpoint.class)
			.doesNotHaveBean(ThroughputSampler.class)
			.doesNotHaveBean("asyncTaskDashboardHandlerMapping"));
	}

	@Test
	void servesThePageAtItsPathWithTheEndpointsPathAndReadOnlyAccess() {
		this.runner.withPropertyValues("async-task.dashboard.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(ThroughputSampler.class);
			String html = page(context.getBean("asyncTaskDashboardHandlerMapping", SimpleUrlHandlerMapping.class),
					"/async-task");
			assertThat(html).contains("<meta name=\"async-task-endpoint\" content=\"/actuator/asynctask\">")
				.contains("<meta name=\"async-task-writable\" content=\"false\">")
				.contains("href=\"/async-task/assets/dashboard.css\"");
		});
	}

	@Test
	void aPathAndUnrestrictedAccessOfTheEndpoint() {
		this.runner
			.withPropertyValues("async-task.dashboard.enabled=true", "async-task.dashboard.path=/ops/tasks",
					"management.endpoint.asynctask.access=UNRESTRICTED",
					"management.endpoints.web.base-path=/manage")
			.run((context) -> {
				SimpleUrlHandlerMapping mapping = context.getBean("asyncTaskDashboardHandlerMapping",
						SimpleUrlHandlerMapping.class);
				assertThat(mapping.getHandler(new MockHttpServletRequest("GET", "/async-task"))).isNull();
				String html = page(mapping, "/ops/tasks/");
				assertThat(html).contains("content=\"/manage/asynctask\"")
					.contains("<meta name=\"async-task-writable\" content=\"true\">")
					.contains("href=\"/ops/tasks/assets/dashboard.css\"");
			});
	}

	@Test
	void failsNamingTheExposurePropertyWhenTheEndpointIsNotOnTheWeb() {
		this.runner.withPropertyValues("async-task.dashboard.enabled=true", "management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("async-task.dashboard.enabled=true")
				.hasMessageContaining("management.endpoints.web.exposure.include"));
	}

	@Test
	void aBadPathFailsStartupNamingTheKey() {
		this.runner.withPropertyValues("async-task.dashboard.enabled=true", "async-task.dashboard.path=tasks/")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("async-task.dashboard.path")
				.hasMessageContaining("'tasks/'"));
	}

	@Test
	void offOutsideAServletWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class,
					AsyncTaskEndpointAutoConfiguration.class, AsyncTaskDashboardAutoConfiguration.class,
					EndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=asynctask",
					"async-task.dashboard.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ThroughputSampler.class));
	}

	@Test
	void offWithoutSpringMvc() {
		this.runner.withPropertyValues("async-task.dashboard.enabled=true")
			.withClassLoader(new FilteredClassLoader(SimpleUrlHandlerMapping.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ThroughputSampler.class));
	}

	private static String page(SimpleUrlHandlerMapping mapping, String path) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
		HandlerExecutionChain chain = mapping.getHandler(request);
		assertThat(chain).isNotNull();
		MockHttpServletResponse response = new MockHttpServletResponse();
		((HttpRequestHandler) chain.getHandler()).handleRequest(request, response);
		assertThat(response.getContentType()).startsWith("text/html");
		return response.getContentAsString();
	}

}
