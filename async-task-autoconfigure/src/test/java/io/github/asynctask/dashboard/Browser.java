package io.github.asynctask.dashboard;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.util.FileSystemUtils;

/**
 * A headless Chromium driven through Selenium, from Debian's {@code chromium} and {@code chromium-driver} packages
 * (or {@code CHROMIUM_BINARY} and {@code CHROMEDRIVER}). Where the machine has neither, {@link #open()} prints a
 * NOTICE and aborts the test (reported as skipped): install them with
 * {@code apt-get install chromium chromium-driver}. Each browser has a fresh profile, deleted on close.
 */
public final class Browser implements AutoCloseable {

	private static final List<String> BINARIES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
			"/usr/bin/google-chrome");

	private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

	private final ChromeDriver driver;

	private final Path profile;

	private Browser(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
	}

	/** A fresh headless browser, or the test is skipped with a NOTICE where there is no Chromium. */
	public static Browser open() throws IOException {
		String binary = find("CHROMIUM_BINARY", BINARIES);
		String chromedriver = find("CHROMEDRIVER", DRIVERS);
		if (binary == null || chromedriver == null) {
			String notice = "NOTICE: no " + ((binary == null) ? "Chromium" : "chromedriver") + " found: the "
					+ "dashboard's browser tests are skipped. Install Debian's chromium and chromium-driver "
					+ "(apt-get install chromium chromium-driver) or set CHROMIUM_BINARY and CHROMEDRIVER.";
			System.out.println(notice);
			Assumptions.abort(notice);
		}
		Path profile = Files.createTempDirectory("async-task-chromium-");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(binary);
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,1000");
		LoggingPreferences logs = new LoggingPreferences();
		logs.enable(LogType.BROWSER, Level.ALL);
		options.setCapability("goog:loggingPrefs", logs);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver))
			.usingAnyFreePort()
			.build();
		try {
			return new Browser(new ChromeDriver(service, options), profile);
		}
		catch (RuntimeException ex) {
			FileSystemUtils.deleteRecursively(profile);
			throw ex;
		}
	}

	private static @Nullable String find(String variable, List<String> candidates) {
		String configured = System.getenv(variable);
		return Stream.concat(Stream.ofNullable(configured), candidates.stream())
			.filter((path) -> new File(path).canExecute())
			.findFirst()
			.orElse(null);
	}

	public ChromeDriver driver() {
		return this.driver;
	}

	public WebDriverWait waiting(Duration timeout) {
		return new WebDriverWait(this.driver, timeout);
	}

	public @Nullable Object script(String script, Object... arguments) {
		return ((JavascriptExecutor) this.driver).executeScript(script, arguments);
	}

	/** The browser console's errors (level SEVERE) since the last call. */
	public List<String> consoleErrors() {
		return this.driver.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter((entry) -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
			.map(LogEntry::getMessage)
			.toList();
	}

	@Override
	public void close() throws IOException {
		try {
			this.driver.quit();
		}
		finally {
			FileSystemUtils.deleteRecursively(this.profile);
		}
	}

}
