package io.github.asynctask.sample.node;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import redis.embedded.RedisServer;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web node of the sample's redis setup ({@code redis,web} profiles: {@code async-task.redis.consume=false}),
 * with a Redis of its own: its page, in a real browser, says that this node only dispatches and where the emails
 * are sent, so its idle workers do not read as "nothing is happening".
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.mail.embedded.port=0")
@ActiveProfiles({ "redis", "web" })
class WebNodePageTests {

	private static RedisServer redis;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"")
			.setting("appendonly no").build();
		redis.start();
		registry.add("spring.data.redis.host", () -> "127.0.0.1");
		registry.add("spring.data.redis.port", () -> port);
		registry.add("async-task.redis.key-prefix", () -> "sample-page-" + UUID.randomUUID());
	}

	@AfterAll
	static void stopRedis() throws IOException {
		if (redis != null) {
			redis.stop();
		}
	}

	@Test
	void thePageSaysThisNodeOnlyDispatchesAndThatWorkerNodesSend() {
		WebDriver browser = browser();
		try {
			browser.get("http://localhost:" + this.port + "/");
			String role = new WebDriverWait(browser, Duration.ofSeconds(30)).until((page) -> {
				String text = page.findElement(By.id("node-role")).getText();
				return text.isEmpty() ? null : text;
			});
			assertThat(role).isEqualTo("This node (web) only dispatches (async-task.redis.consume=false): the emails "
					+ "are sent by the worker nodes, which read the SendEmail tasks from Redis. Its own workers stay "
					+ "idle and its queues empty; the progress bars count the outcomes as they come back from the "
					+ "worker nodes.");
		}
		finally {
			browser.quit();
		}
	}

	/**
	 * Headless Chromium from Debian's {@code chromium} and {@code chromium-driver}; where they are not installed the
	 * test is skipped with a NOTICE (nothing is downloaded).
	 */
	static WebDriver browser() {
		File binary = new File("/usr/bin/chromium");
		File driver = new File("/usr/bin/chromedriver");
		if (!binary.canExecute() || !driver.canExecute()) {
			String notice = "NOTICE: no Chromium/chromedriver at /usr/bin: the page test is skipped "
					+ "(apt-get install chromium chromium-driver)";
			System.out.println(notice);
			Assumptions.abort(notice);
		}
		ChromeOptions options = new ChromeOptions().addArguments("--headless=new", "--no-sandbox",
				"--disable-dev-shm-usage", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync");
		options.setBinary(binary.getPath());
		return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver).build(), options);
	}

}
