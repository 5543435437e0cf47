package io.github.asynctask.dashboard;

import java.time.Duration;
import java.util.List;

import io.github.asynctask.actuate.ClusterFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import static io.github.asynctask.dashboard.DashboardBrowserTests.cells;
import static io.github.asynctask.dashboard.DashboardBrowserTests.js;
import static io.github.asynctask.dashboard.DashboardBrowserTests.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser (headless Chromium) in redis mode, on a real Redis with a dead letter made the
 * honest way (see {@link ClusterFixture}): nodes, streams and dead letters shown; the dead letter redriven from the
 * page with the keyboard alone and run once; no buttons where the endpoint's access is read-only; no console
 * errors.
 */
class DashboardRedisBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static ClusterFixture cluster;

	@BeforeAll
	static void startCluster() {
		cluster = new ClusterFixture("dashboard", "page-redrive");
	}

	@AfterAll
	static void stopCluster() throws Exception {
		cluster.close();
	}

	@Test
	void showsTheClusterAndRedrivesADeadLetterFromThePage() throws Exception {
		await().atMost(WAIT).until(() -> cluster.deadLetterIds("page-redrive").size() == 1);
		try (Browser browser = Browser.open()) {
			WebDriver driver = browser.driver();
			driver.get("http://localhost:" + ClusterFixture.port(cluster.web) + "/async-task");
			browser.waiting(WAIT).until((d) -> cells(d, "streams", "data-task", "Job").length == 6
					&& cells(d, "streams", "data-task", "Job")[5].equals("1"));
			assertThat(text(driver, "transport")).startsWith("redis transport");
			// the web node ran nothing; the outcome of the job it dispatched came back from the worker (FAILED, dead
			// lettered): a result back, in the figures, the task's row and the chart, which counts it in its second
			browser.waiting(WAIT).until((d) -> text(d, "figure-results-back").equals("1"));
			assertThat(text(driver, "figure-completed")).isEqualTo("0");
			String[] job = cells(driver, "tasks", "data-task", "Job");
			assertThat(job).hasSize(7);
			assertThat(job[3]).isEqualTo("1"); // results back
			assertThat(driver.findElement(By.id("rate-results")).isDisplayed()).isTrue();
			browser.waiting(WAIT).until((d) -> DashboardBrowserTests.attribute(d, "chart", "data-peak").equals("1"));
			assertThat(driver.findElement(By.id("cluster")).isDisplayed()).isTrue();
			browser.waiting(WAIT).until((d) -> String.valueOf(js(d,
					"return Array.from(document.querySelectorAll('#nodes tbody th')).map(function (c) {"
							+ " return c.textContent; }).join(',');"))
				.contains("worker"));

			// keyboard only: the dead-letter count opens the list, space ticks the row, enter redrives it
			WebElement open = driver.findElement(By.cssSelector("button[data-dead-task='Job']"));
			open.sendKeys(Keys.ENTER);
			browser.waiting(WAIT).until((d) -> d.findElements(By.cssSelector("#dead tbody tr[data-id]")).size() == 1);
			assertThat(text(driver, "dead-task")).isEqualTo("Job");
			String id = cluster.deadLetterIds("page-redrive").get(0);
			String[] row = cells(driver, "dead", "data-id", id);
			assertThat(row[1]).isEqualTo(id);
			assertThat(row[2]).isEqualTo("delivered 2 times, more than async-task.redis.max-deliveries=1");
			assertThat(row[3]).isEqualTo("2");
			assertThat(row[5]).isEqualTo("{\"label\":\"page-redrive\"}");
			List<String> shown = driver.findElements(By.cssSelector("#dead-letters button"))
				.stream()
				.filter(WebElement::isDisplayed)
				.map(WebElement::getText)
				.toList();
			assertThat(shown).containsExactly("Redrive selected", "Delete selected", "Redrive all", "Delete all",
					"Close");
			assertThat(driver.findElement(By.id("redrive-selected")).isEnabled()).isFalse();
			driver.findElement(By.cssSelector("#dead tbody tr[data-id] input[type=checkbox]")).sendKeys(Keys.SPACE);
			browser.waiting(WAIT).until((d) -> d.findElement(By.id("redrive-selected")).isEnabled());
			driver.findElement(By.id("redrive-selected")).sendKeys(Keys.ENTER);
			browser.waiting(WAIT).until((d) -> text(d, "dead-message").equals("Redrove 1 dead letter of Job."));
			await().atMost(WAIT).until(() -> ClusterFixture.runs("page-redrive") == 1);
			assertThat(cluster.deadLetterIds("page-redrive")).isEmpty();
			browser.waiting(WAIT).until((d) -> text(d, "dead").contains("No dead letters."));
			browser.waiting(WAIT).until((d) -> cells(d, "streams", "data-task", "Job")[5].equals("0"));
			assertThat(browser.consoleErrors()).isEmpty();

			// read-only access: the same list, no buttons that change anything
			driver.get("http://localhost:" + ClusterFixture.port(cluster.readOnly) + "/async-task");
			browser.waiting(WAIT).until((d) -> cells(d, "streams", "data-task", "Job").length == 6);
			driver.findElement(By.cssSelector("button[data-dead-task='Job']")).sendKeys(Keys.ENTER);
			browser.waiting(WAIT).until((d) -> d.findElement(By.id("dead-letters")).isDisplayed());
			assertThat(driver.findElements(By.cssSelector("#dead-letters button[data-action]")))
				.allSatisfy((button) -> assertThat(button.isDisplayed()).isFalse());
			assertThat(driver.findElements(By.cssSelector("#dead input[type=checkbox]")))
				.allSatisfy((box) -> assertThat(box.isDisplayed()).isFalse());
			assertThat(browser.consoleErrors()).isEmpty();
		}
	}

}
