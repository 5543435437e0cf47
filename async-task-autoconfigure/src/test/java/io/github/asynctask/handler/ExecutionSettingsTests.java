package io.github.asynctask.handler;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The execution settings of a handler: read from {@code @OnTask} at startup (bad values fail naming bean and
 * method), overridden by {@code async-task.tasks.<name>.*}, and which errors they retry.
 */
class ExecutionSettingsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
		.withPropertyValues("async-task.task-worker-num=1");

	// From @OnTask

	@Test
	void defaultsAreNoRetriesA100msBackoffNoTimeoutAndNoLimit() {
		this.runner.withBean("plain", PlainHandler.class, PlainHandler::new).run((context) -> {
			ExecutionSettings settings = settings(context, "Plain");
			assertThat(settings.retries()).isZero();
			assertThat(settings.backoff()).isEqualTo(Duration.ofMillis(100));
			assertThat(settings.timeout()).isNull();
			assertThat(settings.hasTimeout()).isFalse();
			assertThat(settings.maxConcurrency()).isZero();
			assertThat(settings.retryOn()).isEmpty();
			assertThat(settings.noRetryOn()).isEmpty();
		});
	}

	@Test
	void annotationAttributesAreReadAtStartup() {
		this.runner.withBean("report", ReportHandler.class, ReportHandler::new).run((context) -> {
			ExecutionSettings settings = settings(context, "report.build");
			assertThat(settings.retries()).isEqualTo(3);
			assertThat(settings.backoff()).isEqualTo(Duration.ofMillis(500));
			assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.retryOn()).containsExactly(IOException.class);
			assertThat(settings.noRetryOn()).containsExactly(FileNotFoundException.class);
		});
	}

	@Test
	void durationsTakeIsoFormAndPlaceholders() {
		this.runner.withBean("placeholders", PlaceholderHandler.class, PlaceholderHandler::new)
			.withPropertyValues("app.report-timeout=2m")
			.run((context) -> {
				ExecutionSettings settings = settings(context, "Plain");
				assertThat(settings.backoff()).isEqualTo(Duration.ofSeconds(1));
				assertThat(settings.timeout()).isEqualTo(Duration.ofMinutes(2));
			});
	}

	@Test
	void unparseableBackoffFailsStartupNamingBeanMethodAndValue() {
		this.runner.withBean("badBackoff", BadBackoffHandler.class, BadBackoffHandler::new).run((context) -> {
			TaskHandlerDefinitionException ex = definitionFailure(context);
			assertThat(ex.getDescription()).contains("bean 'badBackoff'")
				.contains(BadBackoffHandler.class.getName() + ".handle(Plain)")
				.contains("backoff = \"soon\"")
				.contains("not a duration");
			assertThat(ex.getAction()).contains("\"500ms\"");
		});
	}

	@Test
	void unparseableTimeoutFailsStartupNamingBeanMethodAndValue() {
		this.runner.withBean("badTimeout", BadTimeoutHandler.class, BadTimeoutHandler::new).run((context) -> {
			TaskHandlerDefinitionException ex = definitionFailure(context);
			assertThat(ex.getDescription()).contains("bean 'badTimeout'")
				.contains(BadTimeoutHandler.class.getName() + ".handle(Plain)")
				.contains("timeout = \"5 seconds\"")
				.contains("not a duration");
			assertThat(ex.getAction()).contains("timeout").contains("\"30s\"");
		});
	}

	@Test
	void negativeRetriesZeroTimeoutAndNegativeBackoffFailStartup() {
		this.runner.withBean("negative", NegativeRetriesHandler.class, NegativeRetriesHandler::new).run((context) -> {
			TaskHandlerDefinitionException ex = definitionFailure(context);
			assertThat(ex.getDescription()).contains("bean 'negative'").contains("retries = -1");
			assertThat(ex.getAction()).contains("retries = 3");
		});
		this.runner.withBean("zero", ZeroTimeoutHandler.class, ZeroTimeoutHandler::new).run((context) -> {
			TaskHandlerDefinitionException ex = definitionFailure(context);
			assertThat(ex.getDescription()).contains("bean 'zero'").contains("timeout = \"0s\"").contains("positive");
		});
		this.runner.withBean("back", NegativeBackoffHandler.class, NegativeBackoffHandler::new).run((context) -> {
			TaskHandlerDefinitionException ex = definitionFailure(context);
			assertThat(ex.getDescription()).contains("bean 'back'").contains("backoff = \"-1s\"").contains("negative");
		});
	}

	// Overridden by properties

	@Test
	void propertiesOverrideTheAnnotationAndKeepWhatTheyDoNotSet() {
		this.runner.withBean("report", ReportHandler.class, ReportHandler::new)
			.withPropertyValues("async-task.tasks[report.build].retries=5",
					"async-task.tasks[report.build].max-concurrency=2")
			.run((context) -> {
				ExecutionSettings settings = settings(context, "report.build");
				assertThat(settings.retries()).isEqualTo(5);
				assertThat(settings.maxConcurrency()).isEqualTo(2);
				assertThat(settings.backoff()).isEqualTo(Duration.ofMillis(500));
				assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(settings.retryOn()).containsExactly(IOException.class);
			});
	}

	@Test
	void propertiesSetBackoffAndTimeoutAndAZeroTimeoutRemovesTheAnnotations() {
		this.runner.withBean("report", ReportHandler.class, ReportHandler::new)
			.withBean("plain", PlainHandler.class, PlainHandler::new)
			.withPropertyValues("async-task.tasks[report.build].timeout=0",
					"async-task.tasks[report.build].backoff=2s", "async-task.tasks.Plain.timeout=250ms")
			.run((context) -> {
				assertThat(settings(context, "report.build").timeout()).isNull();
				assertThat(settings(context, "report.build").backoff()).isEqualTo(Duration.ofSeconds(2));
				assertThat(settings(context, "Plain").timeout()).isEqualTo(Duration.ofMillis(250));
			});
	}

	@Test
	void propertiesOfAnUnknownTaskNameFailStartupListingTheTaskNames() {
		this.runner.withBean("report", ReportHandler.class, ReportHandler::new)
			.withBean("plain", PlainHandler.class, PlainHandler::new)
			.withPropertyValues("async-task.tasks[report.biuld].retries=2")
			.run((context) -> {
				TaskHandlerDefinitionException ex = definitionFailure(context);
				assertThat(ex.getDescription()).contains("async-task.tasks.report.biuld")
					.contains("'report.biuld'")
					.contains("[Plain, report.build]");
				assertThat(ex.getAction()).contains("async-task.tasks[report.build].retries=3");
			});
	}

	@Test
	void badTaskPropertiesFailStartupNamingKeyValueAndFix() {
		assertBadTaskProperty("async-task.tasks.Plain.retries=-2", "async-task.tasks.Plain.retries", "was -2",
				"0 or more");
		assertBadTaskProperty("async-task.tasks.Plain.backoff=-1s", "async-task.tasks.Plain.backoff", "was PT-1S",
				"not be negative");
		assertBadTaskProperty("async-task.tasks.Plain.timeout=-5s", "async-task.tasks.Plain.timeout", "was PT-5S",
				"30s");
		assertBadTaskProperty("async-task.tasks.Plain.max-concurrency=0", "async-task.tasks.Plain.max-concurrency",
				"was 0", "at least 1");
	}

	private void assertBadTaskProperty(String property, String... expected) {
		this.runner.withBean("plain", PlainHandler.class, PlainHandler::new)
			.withPropertyValues(property)
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable root = context.getStartupFailure();
				while (root.getCause() != null) {
					root = root.getCause();
				}
				assertThat(root).isInstanceOf(IllegalArgumentException.class);
				assertThat(root.getMessage()).contains(expected);
			});
	}

	// Which errors are retried

	@Test
	void withoutRetryOnAnyExceptionIsRetriedButNoError() {
		ExecutionSettings settings = new ExecutionSettings(2, Duration.ZERO, null, List.of(), List.of(), 0);
		assertThat(settings.isRetryable(new IllegalStateException())).isTrue();
		assertThat(settings.isRetryable(new IOException())).isTrue();
		assertThat(settings.isRetryable(new AssertionError())).isFalse();
	}

	@Test
	void retryOnRetriesOnlyItsTypesAndNoRetryOnWins() {
		ExecutionSettings settings = new ExecutionSettings(2, Duration.ZERO, null, List.of(IOException.class),
				List.of(FileNotFoundException.class), 0);
		assertThat(settings.isRetryable(new IOException())).isTrue();
		assertThat(settings.isRetryable(new java.net.SocketTimeoutException())).isTrue();
		assertThat(settings.isRetryable(new FileNotFoundException())).isFalse();
		assertThat(settings.isRetryable(new UncheckedIOException(new IOException()))).isFalse();
		assertThat(settings.isRetryable(new IllegalStateException())).isFalse();
	}

	@Test
	void noRetryOnAloneRetriesEveryOtherException() {
		ExecutionSettings settings = new ExecutionSettings(2, Duration.ZERO, null, List.of(),
				List.of(IllegalArgumentException.class), 0);
		assertThat(settings.isRetryable(new IllegalArgumentException())).isFalse();
		assertThat(settings.isRetryable(new NumberFormatException())).isFalse();
		assertThat(settings.isRetryable(new IllegalStateException())).isTrue();
	}

	@Test
	void retryOnMayListAnError() {
		ExecutionSettings settings = new ExecutionSettings(1, Duration.ZERO, null, List.of(StackOverflowError.class),
				List.of(), 0);
		assertThat(settings.isRetryable(new StackOverflowError())).isTrue();
		assertThat(settings.isRetryable(new IllegalStateException())).isFalse();
	}

	@Test
	void invalidValuesAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ExecutionSettings(-1, Duration.ZERO, null, List.of(), List.of(), 0))
			.withMessageContaining("retries");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ExecutionSettings(0, Duration.ofSeconds(-1), null, List.of(), List.of(), 0))
			.withMessageContaining("backoff");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ExecutionSettings(0, Duration.ZERO, Duration.ZERO, List.of(), List.of(), 0))
			.withMessageContaining("timeout");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ExecutionSettings(0, Duration.ZERO, null, List.of(), List.of(), -1))
			.withMessageContaining("maxConcurrency");
	}

	private static ExecutionSettings settings(AssertableApplicationContext context, String taskName) {
		assertThat(context).hasNotFailed();
		return context.getBean(TaskHandlerRegistry.class).handler(taskName).executionSettings();
	}

	private static TaskHandlerDefinitionException definitionFailure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable ex = context.getStartupFailure();
		while (ex != null && !(ex instanceof TaskHandlerDefinitionException)) {
			ex = ex.getCause();
		}
		assertThat(ex).as("TaskHandlerDefinitionException in the cause chain of %s", context.getStartupFailure())
			.isNotNull();
		return (TaskHandlerDefinitionException) ex;
	}

	record Plain(String value) {
	}

	record Report(String value) {
	}

	static class PlainHandler {

		@OnTask
		String handle(Plain plain) {
			return plain.value();
		}

	}

	static class ReportHandler {

		@OnTask(value = "report.build", retries = 3, backoff = "500ms", timeout = "30s", retryOn = IOException.class,
				noRetryOn = FileNotFoundException.class)
		String build(Report report) {
			return report.value();
		}

	}

	static class PlaceholderHandler {

		@OnTask(backoff = "PT1S", timeout = "${app.report-timeout}")
		String handle(Plain plain) {
			return plain.value();
		}

	}

	static class BadBackoffHandler {

		@OnTask(retries = 1, backoff = "soon")
		String handle(Plain plain) {
			return plain.value();
		}

	}

	static class BadTimeoutHandler {

		@OnTask(timeout = "5 seconds")
		String handle(Plain plain) {
			return plain.value();
		}

	}

	static class NegativeRetriesHandler {

		@OnTask(retries = -1)
		String handle(Plain plain) {
			return plain.value();
		}

	}

	static class ZeroTimeoutHandler {

		@OnTask(timeout = "0s")
		String handle(Plain plain) {
			return plain.value();
		}

	}

	static class NegativeBackoffHandler {

		@OnTask(backoff = "-1s")
		String handle(Plain plain) {
			return plain.value();
		}

	}

}
