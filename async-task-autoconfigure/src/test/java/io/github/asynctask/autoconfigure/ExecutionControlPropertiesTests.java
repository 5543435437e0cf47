package io.github.asynctask.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.github.asynctask.annotation.OnTask;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The execution-control properties of {@link AsyncTaskProperties}: {@code max-backoff}, {@code timeout-grace},
 * {@code virtual-threads}, {@code worker-concurrency} and {@code tasks.<name>.*}: defaults, bad values failing
 * startup with key, value and fix, and their IDE metadata.
 */
class ExecutionControlPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
		.withPropertyValues("async-task.task-worker-num=1");

	@Test
	void defaults() {
		this.runner.run((context) -> {
			AsyncTaskProperties properties = context.getBean(AsyncTaskProperties.class);
			assertThat(properties.getMaxBackoff()).isEqualTo(Duration.ofMinutes(10));
			assertThat(properties.getTimeoutGrace()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.isVirtualThreads()).isFalse();
			assertThat(properties.getWorkerConcurrency()).isEqualTo(100);
			assertThat(properties.getTasks()).isEmpty();
		});
	}

	@Test
	void valuesAreBound() {
		this.runner.withBean(MailHandler.class, MailHandler::new)
			.withPropertyValues("async-task.max-backoff=30s", "async-task.timeout-grace=250ms",
					"async-task.worker-concurrency=8", "async-task.tasks[mail.send].retries=2",
					"async-task.tasks[mail.send].backoff=1s", "async-task.tasks[mail.send].timeout=10s",
					"async-task.tasks[mail.send].max-concurrency=3")
			.run((context) -> {
				AsyncTaskProperties properties = context.getBean(AsyncTaskProperties.class);
				assertThat(properties.getMaxBackoff()).isEqualTo(Duration.ofSeconds(30));
				assertThat(properties.getTimeoutGrace()).isEqualTo(Duration.ofMillis(250));
				assertThat(properties.getWorkerConcurrency()).isEqualTo(8);
				TaskProperties mail = properties.getTasks().get("mail.send");
				assertThat(mail.getRetries()).isEqualTo(2);
				assertThat(mail.getBackoff()).isEqualTo(Duration.ofSeconds(1));
				assertThat(mail.getTimeout()).isEqualTo(Duration.ofSeconds(10));
				assertThat(mail.getMaxConcurrency()).isEqualTo(3);
			});
	}

	@Test
	void badValuesFailStartupNamingKeyValueAndFix() {
		assertFails("async-task.max-backoff=0s", "async-task.max-backoff", "PT0S", "positive", "10m");
		assertFails("async-task.timeout-grace=-1s", "async-task.timeout-grace", "PT-1S", "not be negative", "1s");
		assertFails("async-task.worker-concurrency=0", "async-task.worker-concurrency", "was 0", "at least 1",
				"100");
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void virtualThreadsOnJavaBefore21FailStartupSayingJava21IsNeeded() {
		assertFails("async-task.virtual-threads=true", "async-task.virtual-threads", "Java 21 or later",
				"Java " + Runtime.version().feature(), "remove async-task.virtual-threads");
	}

	@Test
	@Tag("java21")
	@EnabledForJreRange(min = JRE.JAVA_21)
	void virtualThreadsOnJava21AndLaterStart() {
		this.runner.withPropertyValues("async-task.virtual-threads=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(AsyncTaskProperties.class).isVirtualThreads()).isTrue();
		});
	}

	@Test
	void metadataDescribesTheNewKeys() throws Exception {
		// the metadata generated next to AsyncTaskProperties: in target/classes, or in its jar
		java.net.URL classes = AsyncTaskProperties.class.getProtectionDomain().getCodeSource().getLocation();
		String path = "META-INF/spring-configuration-metadata.json";
		java.net.URL metadata = (classes.getPath().endsWith(".jar")
				? java.net.URI.create("jar:" + classes + "!/" + path) : classes.toURI().resolve(path)).toURL();
		Object json;
		try (java.io.InputStream in = metadata.openStream()) {
			json = JsonPath.parse(in).json();
		}
		for (String key : List.of("async-task.max-backoff", "async-task.timeout-grace", "async-task.virtual-threads",
				"async-task.worker-concurrency", "async-task.tasks")) {
			List<Map<String, Object>> found = JsonPath.read(json, "$.properties[?(@.name == '" + key + "')]");
			assertThat(found).as(key).hasSize(1);
			assertThat(found.get(0).get("description")).as("description of %s", key)
				.asString()
				.isNotBlank()
				.endsWith(".");
		}
		List<Object> defaults = JsonPath.read(json, "$.properties[?(@.name == 'async-task.worker-concurrency')].defaultValue");
		assertThat(defaults).containsExactly(100);
	}

	static class MailHandler {

		@OnTask("mail.send")
		void send(String address) {
		}

	}

	private void assertFails(String property, String... expected) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootCause(context)).hasMessageContainingAll(expected);
		});
	}

	private static Throwable rootCause(AssertableApplicationContext context) {
		Throwable ex = context.getStartupFailure();
		while (ex.getCause() != null && ex.getCause() != ex) {
			ex = ex.getCause();
		}
		return ex;
	}

}
