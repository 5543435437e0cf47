package io.github.asynctask.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

import io.github.asynctask.TaskServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link UnknownPropertyReporter}: a mistyped {@code async-task.*} key is reported once at startup, with the nearest
 * known key; every relaxed form of a known key is accepted.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnknownPropertyReporterTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class));

	@Test
	void aTypoIsReportedOnceWithTheNearestKnownKey(CapturedOutput output) {
		this.runner.withPropertyValues("async-task.task-worker-nun=4")
			.withSystemProperties("async-task.task-worker-nun=5")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(warnings(output)).containsExactly(
						"Unknown property 'async-task.task-worker-nun' is ignored: did you mean 'async-task.task-worker-num'? "
								+ "(from property source \"test\")");
			});
	}

	@Test
	void aTypoInAFileIsReportedWithItsLine(CapturedOutput output) {
		this.runner.withInitializer((context) -> {
			try {
				new PropertiesPropertySourceLoader()
					.load("application.properties", new ClassPathResource("typo.properties", getClass()))
					.forEach(context.getEnvironment().getPropertySources()::addFirst);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		})
			// Line 3, column 28 (where the value starts); from a jar, the resource's description names the jar too.
			.run((context) -> assertThat(warnings(output)).singleElement()
				.asString()
				.startsWith("Unknown property 'async-task.task-worker-nun' is ignored: did you mean "
						+ "'async-task.task-worker-num'? (from class path resource "
						+ "[io/github/asynctask/autoconfigure/typo.properties]")
				.endsWith(" - 3:28)"));
	}

	@Test
	void eachUnknownKeyHasItsOwnWarning(CapturedOutput output) {
		this.runner.withPropertyValues("async-task.que-capacity=10", "async-task.inlin=true", "async-task.colour=blue")
			.run((context) -> assertThat(warnings(output)).containsExactly(
					"Unknown property 'async-task.que-capacity' is ignored: did you mean 'async-task.queue-capacity'? "
							+ "(from property source \"test\")",
					"Unknown property 'async-task.inlin' is ignored: did you mean 'async-task.inline'? "
							+ "(from property source \"test\")",
					"Unknown property 'async-task.colour' is ignored: async-task has no property like it. "
							+ "(from property source \"test\")"));
	}

	@Test
	void knownKeysInAnyRelaxedFormAreNotReported(CapturedOutput output) {
		this.runner
			.withPropertyValues("async-task.task-worker-num=2", "async-task.queueCapacity=64",
					"async-task.WHEN-FULL=reject", "async-task.block_timeout=2s", "other.task-worker-nun=1")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						Map.of("ASYNCTASK_TASKWORKERNUM", "3", "ASYNCTASK_SHUTDOWNTIMEOUT", "5s"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// The environment variable form is the one the binder used:
				assertThat(context.getBean(TaskServer.class).taskWorkerNum()).isEqualTo(3);
				assertThat(context.getBean(AsyncTaskProperties.class).getQueueCapacity()).isEqualTo(64);
				assertThat(output).doesNotContain("Unknown property");
			});
	}

	@Test
	void aTypoInAnEnvironmentVariableIsReportedWithItsOrigin(CapturedOutput output) {
		this.runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						Map.of("ASYNCTASK_TASKWORKERNUN", "3"))))
			.run((context) -> assertThat(warnings(output)).containsExactly(
					"Unknown property 'ASYNCTASK_TASKWORKERNUN' is ignored: did you mean 'async-task.task-worker-num'? "
							+ "(from property source \"systemEnvironment\")"));
	}

	@Test
	void aTypoInAnEnvironmentVariableWithUnderscoresIsReported(CapturedOutput output) {
		this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of("ASYNC_TASK_TASK_WORKER_NUN", "3"))))
			.run((context) -> assertThat(warnings(output)).containsExactly(
					"Unknown property 'ASYNC_TASK_TASK_WORKER_NUN' is ignored: did you mean "
							+ "'ASYNC_TASK_TASK_WORKER_NUM' (async-task.task-worker-num)? "
							+ "(from property source \"systemEnvironment\")"));
	}

	@Test
	void environmentVariablesWithUnderscoresThatTheBinderReadsAreNotReported(CapturedOutput output) {
		this.runner.withClassLoader(new ExtraMetadataClassLoader())
			.withBean(NamedTasks.class, NamedTasks::new)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						Map.of("ASYNC_TASK_TASK_WORKER_NUM", "3", "ASYNC_TASK_SHUTDOWN_TIMEOUT", "5s",
								"ASYNC_TASK_TASKS_SENDEMAIL_MAX_CONCURRENCY", "2", "ASYNC_TASK_COLOUR", "blue",
								"ASYNCHRONOUS_TASKS", "x"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// the underscore form is one the binder reads
				assertThat(context.getBean(TaskServer.class).taskWorkerNum()).isEqualTo(3);
				assertThat(warnings(output)).containsExactly("Unknown property 'ASYNC_TASK_COLOUR' is ignored: "
						+ "async-task has no property like it. (from property source \"systemEnvironment\")");
			});
	}

	@Test
	void anyNameIsAcceptedBelowAMapPropertyAndTheFieldAfterItIsChecked(CapturedOutput output) {
		// the task names under async-task.tasks must be those of @OnTask methods, or startup fails
		this.runner.withClassLoader(new ExtraMetadataClassLoader())
			.withBean(NamedTasks.class, NamedTasks::new)
			.withPropertyValues("async-task.tasks.SendEmail.retries=3", "async-task.tasks[report.build].timeout=30s",
					"async-task.tasks.report-build.maxConcurrency=2", "async-task.tasks.SendEmail.max-concurrency=4",
					"async-task.labels.team.name=mail", "async-task.tasks.SendEmail.retires=3",
					"async-task.tasks.SendEmail.colour=blue")
			.run((context) -> assertThat(warnings(output)).containsExactly(
					"Unknown property 'async-task.tasks.SendEmail.retires' is ignored: "
							+ "did you mean 'async-task.tasks.SendEmail.retries'? (from property source \"test\")",
					"Unknown property 'async-task.tasks.SendEmail.colour' is ignored: "
							+ "async-task has no property like it. (from property source \"test\")"));
	}

	@Test
	void nothingIsReportedWithoutMetadata(CapturedOutput output) {
		this.runner.withClassLoader(new NoMetadataClassLoader())
			.withPropertyValues("async-task.task-worker-nun=4")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).doesNotContain("Unknown property");
			});
	}

	private static List<String> warnings(CapturedOutput output) {
		List<String> warnings = new ArrayList<>();
		for (String line : output.getOut().split("\\R")) {
			int start = line.indexOf("Unknown property '");
			if (start >= 0) {
				warnings.add(line.substring(start));
			}
		}
		return warnings;
	}

	/** The value type of the test's map property: what async-task.tasks.<name>.* binds to. */
	record TaskSettings(int retries, Duration backoff, Duration timeout, int maxConcurrency) {

	}

	/** Adds a metadata file with two map-typed properties to those of the class path. */
	static class ExtraMetadataClassLoader extends ClassLoader {

		ExtraMetadataClassLoader() {
			super(UnknownPropertyReporterTests.class.getClassLoader());
		}

		@Override
		public Enumeration<URL> getResources(String name) throws IOException {
			List<URL> resources = Collections.list(super.getResources(name));
			if (UnknownPropertyReporter.METADATA_LOCATION.equals(name)) {
				resources.add(UnknownPropertyReporterTests.class.getResource("map-property-metadata.json"));
			}
			return Collections.enumeration(resources);
		}

	}

	/** A class path without any configuration metadata. */
	static class NoMetadataClassLoader extends ClassLoader {

		NoMetadataClassLoader() {
			super(UnknownPropertyReporterTests.class.getClassLoader());
		}

		@Override
		public Enumeration<URL> getResources(String name) throws IOException {
			return UnknownPropertyReporter.METADATA_LOCATION.equals(name) ? Collections.emptyEnumeration()
					: super.getResources(name);
		}

	}

	static class NamedTasks {

		@io.github.asynctask.annotation.OnTask("SendEmail")
		void sendEmail(String address) {
		}

		@io.github.asynctask.annotation.OnTask("report.build")
		void buildReport(Integer id) {
		}

		@io.github.asynctask.annotation.OnTask("report-build")
		void buildOtherReport(Long id) {
		}

	}

}
