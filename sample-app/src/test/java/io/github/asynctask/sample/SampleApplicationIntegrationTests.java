package io.github.asynctask.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts the packaged jar the way the README does ({@code java -jar sample-app/target/sample-app.jar}, default
 * configuration, only the two ports moved to free ones), then sends a newsletter through it. Run by failsafe
 * after {@code package}.
 */
class SampleApplicationIntegrationTests {

	private static final Duration STARTUP = Duration.ofSeconds(120);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private Process process;

	@AfterEach
	void stop() throws InterruptedException {
		if (this.process != null) {
			this.process.destroy();
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
	}

	@Test
	void packagedJarStartsAndSendsANewsletter() throws Exception {
		Path jar = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));
		assertThat(jar).isRegularFile();
		int httpPort = freePort();
		int smtpPort = freePort();
		Path log = jar.resolveSibling("sample-app-integration-test.log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		this.process = new ProcessBuilder(java, "-jar", jar.toString(), "--server.port=" + httpPort,
				"--sample.mail.embedded.port=" + smtpPort)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		String base = "http://127.0.0.1:" + httpPort;

		await().atMost(STARTUP).ignoreExceptions().until(() -> {
			assertThat(this.process.isAlive()).as("the app exited; see %s", log).isTrue();
			return get(base + "/actuator/health").statusCode() == 200;
		});
		assertThat(get(base + "/actuator/health").body()).contains("\"UP\"");
		assertThat(get(base + "/").body()).contains("<form", "/api/newsletters");
		assertThat(get(base + "/actuator/metrics").statusCode()).isEqualTo(200);

		HttpResponse<String> accepted = this.http.send(HttpRequest.newBuilder(URI.create(base + "/api/newsletters"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"subject\":\"Smoke\",\"body\":\"Hi\",\"count\":50}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(accepted.statusCode()).isEqualTo(202);
		String location = accepted.headers().firstValue("Location").orElseThrow();

		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(get(location).body()).contains("\"sent\":50", "\"failed\":0",
					"\"done\":true"));
		assertThat(get(base + "/api/mailbox?to=user50@example.test").body()).contains("\"count\":1", "Smoke");
		assertThat(Files.readString(log)).contains("Embedded SMTP server listening on 127.0.0.1:" + smtpPort);
	}

	private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
