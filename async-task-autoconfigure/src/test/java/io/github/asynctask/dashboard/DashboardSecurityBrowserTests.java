package io.github.asynctask.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.asynctask.actuate.ClusterFixture;
import io.github.asynctask.transport.redis.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import static io.github.asynctask.dashboard.DashboardBrowserTests.cells;
import static io.github.asynctask.dashboard.DashboardBrowserTests.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard behind the application's own Spring Security, in a real browser (headless Chromium) on a real web
 * server: the {@code SecurityFilterChain} is the README's example, word for word (form login, CSRF on). Without a
 * login the page and the endpoint send to the login form; after it the page renders live figures, a POST without the
 * CSRF token is refused, and a redrive from the page (which sends the token) works and the task runs once.
 */
class DashboardSecurityBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static ClusterFixture cluster;

	private static ConfigurableApplicationContext secured;

	@BeforeAll
	static void start() {
		cluster = new ClusterFixture("security", "secured-redrive");
		List<String> properties = new ArrayList<>(List.of(RedisTestServer.get().springProperties()));
		properties.addAll(List.of("async-task.transport=redis", "async-task.redis.key-prefix=" + cluster.prefix,
				"async-task.redis.node-id=secured", "async-task.redis.consume=false", "async-task.task-worker-num=2",
				"async-task.shutdown-timeout=5s", "spring.main.banner-mode=off", "server.port=0",
				"async-task.dashboard.enabled=true", "management.endpoint.asynctask.access=unrestricted",
				"management.endpoints.web.exposure.include=asynctask,health"));
		secured = new SpringApplicationBuilder(SecuredApplication.class).web(WebApplicationType.SERVLET)
			.properties(properties.toArray(new String[0]))
			.run();
	}

	@AfterAll
	static void stop() throws Exception {
		if (secured != null) {
			secured.close();
		}
		cluster.close();
	}

	@Test
	void loginFirstThenThePageRendersAndRedrivesWithTheCsrfToken() throws Exception {
		await().atMost(WAIT).until(() -> cluster.deadLetterIds("secured-redrive").size() == 1);
		String base = "http://localhost:" + ClusterFixture.port(secured);
		ClusterFixture.Response endpoint = ClusterFixture.get(secured, "/actuator/asynctask");
		assertThat(endpoint.body()).as("the endpoint without a login (status %d)", endpoint.status())
			.doesNotContain("taskWorkerNum");
		assertThat(ClusterFixture.get(secured, "/actuator/health").body()).contains("\"status\"");
		try (Browser browser = Browser.open()) {
			WebDriver driver = browser.driver();
			driver.get(base + "/async-task");
			browser.waiting(WAIT).until((d) -> d.getCurrentUrl().endsWith("/login"));
			driver.findElement(By.id("username")).sendKeys("ops");
			driver.findElement(By.id("password")).sendKeys("ops-secret");
			driver.findElement(By.cssSelector("button[type=submit]")).click();
			browser.waiting(WAIT).until((d) -> d.getCurrentUrl().startsWith(base + "/async-task"));
			browser.consoleErrors(); // what the login form logged (its favicon) is not the dashboard's
			browser.waiting(WAIT).until((d) -> cells(d, "streams", "data-task", "Job").length == 6
					&& cells(d, "streams", "data-task", "Job")[5].equals("1"));
			assertThat(text(driver, "transport")).startsWith("redis transport");

			// CSRF is on: the same session's POST without the token is refused
			Object status = ((JavascriptExecutor) driver).executeAsyncScript("var done = arguments[0];"
					+ "fetch('/actuator/asynctask/dead-letters/Job', { method: 'POST', credentials: 'same-origin',"
					+ " headers: { 'Content-Type': 'application/json' }, body: '{\"action\": \"redrive\"}' })"
					+ ".then(function (r) { done(r.status); });");
			assertThat(status).isEqualTo(403L);
			assertThat(cluster.deadLetterIds("secured-redrive")).hasSize(1);

			driver.findElement(By.cssSelector("button[data-dead-task='Job']")).click();
			browser.waiting(WAIT).until((d) -> d.findElements(By.cssSelector("#dead tbody tr[data-id]")).size() == 1);
			driver.findElement(By.cssSelector("#dead tbody tr[data-id] input[type=checkbox]")).click();
			browser.waiting(WAIT).until((d) -> d.findElement(By.id("redrive-selected")).isEnabled());
			driver.findElement(By.id("redrive-selected")).click();
			browser.waiting(WAIT).until((d) -> text(d, "dead-message").equals("Redrove 1 dead letter of Job."));
			await().atMost(WAIT).until(() -> ClusterFixture.runs("secured-redrive") == 1);
			assertThat(cluster.deadLetterIds("secured-redrive")).isEmpty();
			assertThat(browser.consoleErrors()).filteredOn((message) -> !message.contains("403")).isEmpty();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableWebSecurity
	@Import(ClusterFixture.Handlers.class)
	static class SecuredApplication {

		// the README's example, word for word
		@Bean
		SecurityFilterChain operations(HttpSecurity http) throws Exception {
			return http
				.securityMatcher("/async-task/**", "/actuator/**", "/login", "/logout")
				.authorizeHttpRequests((requests) -> requests
					.requestMatchers("/actuator/health").permitAll()
					.anyRequest().hasRole("OPS"))
				.formLogin(Customizer.withDefaults())
				.build();   // CSRF stays on: the page sends the token with its POSTs
		}

		@Bean
		UserDetailsService users() {
			return new InMemoryUserDetailsManager(User.withUsername("ops").password("{noop}ops-secret").roles("OPS").build());
		}

	}

}
