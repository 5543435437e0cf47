package io.github.asynctask.dashboard;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnTask;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (headless Chromium), in local mode: live figures, the throughput chart, the tasks
 * table, no cluster part and no buttons that change anything, readable in a narrow window, no console errors.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "async-task.task-worker-num=2", "async-task.dashboard.enabled=true",
				"management.endpoints.web.exposure.include=asynctask,health" })
@DirtiesContext
class DashboardBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	private int port;

	@Autowired
	private TaskTemplate template;

	@Test
	void showsLiveFiguresTheChartAndEachTaskName() throws Exception {
		Hold hold = new Hold();
		this.template.dispatch(hold);
		assertThat(hold.started.await(10, TimeUnit.SECONDS)).isTrue();
		try (Browser browser = Browser.open()) {
			WebDriver driver = browser.driver();
			driver.get("http://localhost:" + this.port + "/async-task");
			assertThat(driver.getTitle()).isEqualTo("async-task dashboard");
			browser.waiting(WAIT).until((d) -> text(d, "figure-busy").equals("1"));
			assertThat(text(driver, "state")).isEqualTo("running");
			assertThat(text(driver, "figure-workers")).isEqualTo("2");
			assertThat(driver.findElements(By.cssSelector("#workers li"))).hasSize(2);
			assertThat(driver.findElements(By.cssSelector("#workers li.busy"))).hasSize(1);

			hold.release.countDown();
			browser.waiting(WAIT).until((d) -> text(d, "figure-busy").equals("0"));
			for (int i = 0; i < 250; i++) {
				this.template.dispatch(new Greeting("reader " + i));
			}
			browser.waiting(WAIT).until((d) -> {
				String[] row = cells(d, "Greeting");
				return row.length == 6 && row[0].equals("250") && row[1].equals("250");
			});
			String[] greeting = cells(driver, "Greeting");
			assertThat(greeting[2]).isEqualTo("0"); // failed
			assertThat(greeting[3]).isEqualTo("0"); // retries
			assertThat(greeting[4]).matches("[0-9.]+ (µs|ms|s)"); // mean run time
			browser.waiting(WAIT).until((d) -> Long.parseLong(attribute(d, "chart", "data-peak")) >= 1);
			assertThat(Integer.parseInt(attribute(driver, "chart", "data-samples"))).isPositive();
			assertThat(attribute(driver, "chart", "aria-label")).startsWith("Throughput chart of the last");
			Object painted = browser.script("var c = document.getElementById('chart');"
					+ "var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
					+ "for (var i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; } return false;");
			assertThat(painted).isEqualTo(true);

			assertThat(driver.findElement(By.id("cluster")).isDisplayed()).isFalse();
			// results back from other nodes: redis mode only
			assertThat(driver.findElement(By.id("rate-results")).isDisplayed()).isFalse();
			assertThat(driver.findElements(By.id("figure-results-back"))).isEmpty();
			assertThat(driver.findElements(By.cssSelector("button[data-action]")))
				.allSatisfy((button) -> assertThat(button.isDisplayed()).isFalse());

			driver.manage().window().setSize(new Dimension(360, 800));
			browser.waiting(WAIT).until((d) -> ((Number) browser.script("return window.innerWidth;")).intValue() <= 400);
			Object overflow = browser.script(
					"return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
			assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);

			assertThat(browser.consoleErrors()).isEmpty();
		}
		finally {
			hold.release.countDown();
		}
	}

	// read in one script each: the page replaces its rows every refresh, so a WebElement held across reads goes stale

	static String text(WebDriver driver, String id) {
		Object text = js(driver, "var e = document.getElementById(arguments[0]); return e ? e.textContent.trim() : '';",
				id);
		return String.valueOf(text);
	}

	static String attribute(WebDriver driver, String id, String name) {
		Object value = js(driver, "return document.getElementById(arguments[0]).getAttribute(arguments[1]) || '0';",
				id, name);
		return String.valueOf(value);
	}

	/** The texts of a row's cells, by its {@code data-task} (or {@code data-id}) in a table. */
	static String[] cells(WebDriver driver, String table, String attribute, String key) {
		Object texts = js(driver, "var rows = document.querySelectorAll('#' + arguments[0] + ' tbody tr');"
				+ "for (var i = 0; i < rows.length; i++) { if (rows[i].getAttribute(arguments[1]) === arguments[2]) {"
				+ "return Array.from(rows[i].querySelectorAll('td')).map(function (c) { return c.textContent.trim(); });"
				+ "} } return [];", table, attribute, key);
		return ((java.util.List<?>) texts).stream().map(String::valueOf).toArray(String[]::new);
	}

	static String[] cells(WebDriver driver, String task) {
		return cells(driver, "tasks", "data-task", task);
	}

	static Object js(WebDriver driver, String script, Object... arguments) {
		return ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(script, arguments);
	}

	record Greeting(String text) {
	}

	static final class Hold {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

	}

	static class Handlers {

		@OnTask
		String greet(Greeting greeting) {
			return "hello " + greeting.text();
		}

		@OnTask
		void hold(Hold hold) throws InterruptedException {
			hold.started.countDown();
			hold.release.await(60, TimeUnit.SECONDS);
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

	}

}
