package io.github.asynctask.autoconfigure;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.jayway.jsonpath.JsonPath;
import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.WorkerStats;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.handler.TaskHandlerDefinitionException;
import io.github.asynctask.handler.TaskHandlerMethodProcessor;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.dispatch.DefaultTaskTemplate;
import io.github.asynctask.workers.DispatchMode;
import io.github.asynctask.server.DefaultTaskServer;
import io.github.asynctask.server.TaskServerSettings;
import io.github.asynctask.workers.WhenFull;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link AsyncTaskAutoConfiguration}: defaults, every property and its effect, back-off to user beans, startup
 * failures for bad values and bad handlers, and the IDE metadata.
 */
@ExtendWith(OutputCaptureExtension.class)
class AsyncTaskAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
		.withBean("probe", Probe.class, Probe::new);

	// Defaults

	@Test
	void defaultBeansAndSettings() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(TaskTemplate.class)
				.hasSingleBean(TaskServer.class)
				.hasSingleBean(DefaultTaskServer.class)
				.hasSingleBean(TaskHandlerRegistry.class)
				.hasSingleBean(TaskHandlerMethodProcessor.class)
				.hasSingleBean(AsyncTaskProperties.class);
			assertThat(context.getBean(TaskServer.class)).isSameAs(context.getBean(DefaultTaskServer.class));
			assertThat(context.getBean(TaskTemplate.class)).isInstanceOf(DefaultTaskTemplate.class);
			int cpus = Runtime.getRuntime().availableProcessors();
			DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
			assertThat(server.taskWorkerNum()).isEqualTo(cpus);
			assertThat(server.stats().workers()).hasSize(cpus);
			assertThat(server.isRunning()).isTrue();
			AsyncTaskProperties properties = context.getBean(AsyncTaskProperties.class);
			assertThat(properties.getTaskWorkerNum()).isEqualTo(cpus);
			assertThat(properties.getQueueCapacity()).isEqualTo(10_000);
			assertThat(properties.getDispatchMode()).isEqualTo(DispatchMode.IDLE_FIRST);
			assertThat(properties.getWhenFull()).isEqualTo(WhenFull.BLOCK);
			assertThat(properties.getBlockTimeout()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.getTaskMaxRequest()).isZero();
			assertThat(properties.getShutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(properties.isInline()).isFalse();
			assertThat(context.getBean(TaskHandlerRegistry.class).taskNames()).containsExactly("Block", "WhoAmI");
		});
	}

	@Test
	void defaultServerRunsTasksOnNamedWorkerThreads() {
		this.runner.withPropertyValues("async-task.task-worker-num=2").run((context) -> {
			Seen seen = context.getBean(TaskTemplate.class).dispatchAndWait(new WhoAmI(), WAIT);
			assertThat(seen.threadName()).isEqualTo("async-task-worker-" + seen.workerId());
			assertThat(seen.thread()).isNotSameAs(Thread.currentThread());
		});
	}

	// Properties

	@Test
	void taskWorkerNumSetsTheNumberOfWorkers() {
		this.runner.withPropertyValues("async-task.task-worker-num=3").run((context) -> {
			assertThat(context.getBean(AsyncTaskProperties.class).getTaskWorkerNum()).isEqualTo(3);
			DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
			assertThat(server.taskWorkerNum()).isEqualTo(3);
			assertThat(server.stats().workers()).extracting(WorkerStats::id).containsExactly(0, 1, 2);
			Seen last = context.getBean(TaskTemplate.class).onWorker(2).dispatchAndWait(new WhoAmI(), WAIT);
			assertThat(last.threadName()).isEqualTo("async-task-worker-2");
		});
	}

	@Test
	void queueCapacityLimitsQueuedTasksPerWorkerAndWhenFullRejectThrowsAtOnce() {
		this.runner
			.withPropertyValues("async-task.task-worker-num=1", "async-task.queue-capacity=2",
					"async-task.when-full=reject")
			.run((context) -> {
				assertThat(context.getBean(AsyncTaskProperties.class).getQueueCapacity()).isEqualTo(2);
				assertThat(context.getBean(AsyncTaskProperties.class).getWhenFull()).isEqualTo(WhenFull.REJECT);
				TaskTemplate template = context.getBean(TaskTemplate.class);
				Block block = new Block();
				try {
					template.dispatch(block);
					block.awaitStarted();
					template.dispatch(new WhoAmI());
					template.dispatch(new WhoAmI());
					assertThatExceptionOfType(TaskRejectedException.class)
						.isThrownBy(() -> template.dispatch(new WhoAmI()))
						.withMessageContaining("full (1 x 2 tasks)")
						.withMessageContaining("async-task.when-full=reject")
						.withMessageContaining("async-task.queue-capacity");
					assertThat(template.tryDispatch(new WhoAmI())).isEmpty();
					assertThat(context.getBean(DefaultTaskServer.class).stats().queuedNum()).isEqualTo(2);
				}
				finally {
					block.release();
				}
			});
	}

	@Test
	void dispatchModeRoundRobinTakesEachWorkerInTurnEvenWhenBusy() {
		this.runner.withPropertyValues("async-task.task-worker-num=2", "async-task.dispatch-mode=round-robin")
			.run((context) -> {
				assertThat(context.getBean(AsyncTaskProperties.class).getDispatchMode())
					.isEqualTo(DispatchMode.ROUND_ROBIN);
				TaskTemplate template = context.getBean(TaskTemplate.class);
				Block block = new Block();
				List<CompletableFuture<Seen>> seen = new ArrayList<>();
				try {
					template.dispatch(block); // turn 0: worker 0, now busy
					block.awaitStarted();
					for (int i = 0; i < 4; i++) {
						seen.add(template.submit(new WhoAmI()));
					}
				}
				finally {
					block.release();
				}
				// idle-first would have sent them all to the idle worker 1
				assertThat(seen).extracting((future) -> future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).workerId())
					.containsExactly(1, 0, 1, 0);
			});
	}

	@Test
	void dispatchModeSharedQueueQueuesInOneQueueForAllWorkers() {
		this.runner.withPropertyValues("async-task.task-worker-num=2", "async-task.dispatch-mode=shared-queue")
			.run((context) -> {
				assertThat(context.getBean(AsyncTaskProperties.class).getDispatchMode())
					.isEqualTo(DispatchMode.SHARED_QUEUE);
				TaskTemplate template = context.getBean(TaskTemplate.class);
				DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
				Block first = new Block();
				Block second = new Block();
				try {
					template.dispatch(first);
					template.dispatch(second);
					first.awaitStarted();
					second.awaitStarted();
					for (int i = 0; i < 3; i++) {
						template.dispatch(new WhoAmI());
					}
					assertThat(server.stats().queuedNum()).isEqualTo(3);
					assertThat(server.stats().workers()).extracting(WorkerStats::queued).containsOnly(0);
				}
				finally {
					first.release();
					second.release();
				}
				await().atMost(WAIT).until(() -> server.stats().completed() == 5);
			});
	}

	@Test
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // queue-capacity=1 once spun forever
	void whenFullCallerRunsRunsTheTaskOnTheDispatchingThread() {
		this.runner
			.withPropertyValues("async-task.task-worker-num=1", "async-task.queue-capacity=1",
					"async-task.when-full=caller-runs")
			.run((context) -> {
				assertThat(context.getBean(AsyncTaskProperties.class).getWhenFull()).isEqualTo(WhenFull.CALLER_RUNS);
				TaskTemplate template = context.getBean(TaskTemplate.class);
				Block block = new Block();
				try {
					template.dispatch(block);
					block.awaitStarted();
					CompletableFuture<Seen> queued = template.submit(new WhoAmI());
					CompletableFuture<Seen> overflow = template.submit(new WhoAmI());
					// done before dispatch returned, on this thread, although the worker is still blocked
					assertThat(overflow).isCompleted();
					assertThat(overflow.join().thread()).isSameAs(Thread.currentThread());
					assertThat(queued).isNotDone();
				}
				finally {
					block.release();
				}
			});
	}

	@Test
	@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // queue-capacity=1 once spun forever
	void blockTimeoutBoundsTheWaitForRoom() {
		this.runner
			.withPropertyValues("async-task.task-worker-num=1", "async-task.queue-capacity=1",
					"async-task.block-timeout=50ms")
			.run((context) -> {
				assertThat(context.getBean(AsyncTaskProperties.class).getBlockTimeout())
					.isEqualTo(Duration.ofMillis(50));
				TaskTemplate template = context.getBean(TaskTemplate.class);
				Block block = new Block();
				try {
					template.dispatch(block);
					block.awaitStarted();
					template.dispatch(new WhoAmI());
					assertThatExceptionOfType(TaskRejectedException.class)
						.isThrownBy(() -> template.dispatch(new WhoAmI()))
						.withMessageContaining("async-task.block-timeout (50ms)");
				}
				finally {
					block.release();
				}
			});
	}

	@Test
	void taskMaxRequestReplacesTheWorkerThreadAfterThatManyTasks() {
		this.runner.withPropertyValues("async-task.task-worker-num=1", "async-task.task-max-request=2")
			.run((context) -> {
				assertThat(context.getBean(AsyncTaskProperties.class).getTaskMaxRequest()).isEqualTo(2);
				TaskTemplate template = context.getBean(TaskTemplate.class);
				DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
				List<Thread> threads = new ArrayList<>();
				for (int i = 0; i < 9; i++) {
					Seen seen = template.dispatchAndWait(new WhoAmI(), WAIT);
					assertThat(seen.threadName()).isEqualTo("async-task-worker-0");
					threads.add(seen.thread());
				}
				// each thread runs 2 tasks plus a random grace of up to 1 (half the limit), then is replaced
				List<Integer> runs = new ArrayList<>();
				for (int i = 0; i < threads.size(); i++) {
					if (i == 0 || threads.get(i) != threads.get(i - 1)) {
						assertThat(threads.subList(0, i)).as("a replaced thread never comes back")
							.doesNotContain(threads.get(i));
						runs.add(0);
					}
					runs.set(runs.size() - 1, runs.get(runs.size() - 1) + 1);
				}
				assertThat(runs.subList(0, runs.size() - 1)).allSatisfy((n) -> assertThat(n).isBetween(2, 3));
				assertThat(runs).hasSizeBetween(3, 5);
				int replaced = runs.size() - 1;
				await().atMost(WAIT).until(() -> server.stats().workers().get(0).restarts() >= replaced);
			});
	}

	@Test
	void shutdownTimeoutBoundsTheDrainThenCancelsQueuedAndInterruptsRunningTasks() {
		this.runner
			.withPropertyValues("async-task.task-worker-num=1", "async-task.shutdown-timeout=100ms")
			.run((context) -> {
				assertThat(context.getBean(AsyncTaskProperties.class).getShutdownTimeout())
					.isEqualTo(Duration.ofMillis(100));
				TaskTemplate template = context.getBean(TaskTemplate.class);
				Block block = new Block();
				CompletableFuture<TaskResult<Object>> running = new CompletableFuture<>();
				CompletableFuture<TaskResult<Object>> queued = new CompletableFuture<>();
				template.dispatch(block, running::complete);
				block.awaitStarted();
				template.dispatch(new WhoAmI(), queued::complete);
				context.close();
				// close returned: the block was never released
				assertThat(queued.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).status())
					.isEqualTo(TaskStatus.CANCELLED);
				assertThat(running.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).status()).isEqualTo(TaskStatus.FAILED);
				assertThat(block.interrupted).isTrue();
			});
	}

	@Test
	void inlineRunsTasksAndListenersOnTheCallerBeforeDispatchReturns() {
		this.runner.withPropertyValues("async-task.inline=true").run((context) -> {
			assertThat(context.getBean(AsyncTaskProperties.class).isInline()).isTrue();
			TaskTemplate template = context.getBean(TaskTemplate.class);
			List<TaskResult<Seen>> delivered = new ArrayList<>();
			template.<Seen>dispatch(new WhoAmI(), delivered::add);
			assertThat(delivered).singleElement().satisfies((result) -> {
				assertThat(result.isSuccess()).isTrue();
				assertThat(result.value().thread()).isSameAs(Thread.currentThread());
			});
			assertThat(template.<Seen>dispatchAndWait(new WhoAmI(), WAIT).thread()).isSameAs(Thread.currentThread());
		});
	}

	// Back-off

	@Test
	void backsOffFromAUserDefinedTaskTemplate() {
		this.runner.withUserConfiguration(UserTemplateConfig.class).run((context) -> {
			assertThat(context).hasSingleBean(TaskTemplate.class).hasBean("myTaskTemplate")
				.doesNotHaveBean("taskTemplate");
			Seen seen = context.getBean(TaskTemplate.class).dispatchAndWait(new WhoAmI(), WAIT);
			assertThat(seen.threadName()).startsWith("async-task-worker-");
		});
	}

	@Test
	void backsOffFromAUserDefinedTaskServer() {
		this.runner.withUserConfiguration(UserServerConfig.class).run((context) -> {
			assertThat(context).hasSingleBean(DefaultTaskServer.class).hasSingleBean(TaskServer.class)
				.hasBean("myTaskServer");
			assertThat(context.getBean(TaskServer.class).taskWorkerNum()).isEqualTo(1);
			// the auto-configured template dispatches to the user's server
			Seen seen = context.getBean(TaskTemplate.class).dispatchAndWait(new WhoAmI(), WAIT);
			assertThat(seen.threadName()).isEqualTo("mine-0");
		});
	}

	// Bad values

	@Test
	void taskWorkerNumZeroFailsStartupNamingKeyValueAndWhatIsAllowed() {
		this.runner.withPropertyValues("async-task.task-worker-num=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootCause(context)).hasMessageContaining("async-task.task-worker-num")
				.hasMessageContaining("was 0")
				.hasMessageContaining("at least 1");
		});
	}

	@Test
	void queueCapacityZeroFailsStartupNamingKeyValueAndWhatIsAllowed() {
		this.runner.withPropertyValues("async-task.queue-capacity=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootCause(context)).hasMessageContaining("async-task.queue-capacity")
				.hasMessageContaining("was 0")
				.hasMessageContaining("between 1 and 536870912");
		});
	}

	@Test
	void negativeDurationsFailStartup() {
		this.runner.withPropertyValues("async-task.block-timeout=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootCause(context)).hasMessageContaining("async-task.block-timeout")
				.hasMessageContaining("PT-1S")
				.hasMessageContaining("must not be negative");
		});
		this.runner.withPropertyValues("async-task.shutdown-timeout=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootCause(context)).hasMessageContaining("async-task.shutdown-timeout")
				.hasMessageContaining("must not be negative");
		});
		this.runner.withPropertyValues("async-task.task-max-request=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootCause(context)).hasMessageContaining("async-task.task-max-request")
				.hasMessageContaining("-1");
		});
	}

	@Test
	void unknownDispatchModeFailsStartupNamingKeyAndValue() {
		this.runner.withPropertyValues("async-task.dispatch-mode=sideways").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("async-task.dispatch-mode");
			assertThat(rootCause(context)).hasMessageContaining("sideways");
		});
	}

	@Test
	void unknownDispatchModeIsReportedWithTheAllowedValues(CapturedOutput output) {
		// Spring Boot's BindFailureAnalyzer lists an enum's constants (bound leniently: idle-first = IDLE_FIRST)
		assertStartupReport(output, "async-task.dispatch-mode=sideways", "async-task.dispatch-mode", "sideways",
				"The following values are valid", "IDLE_FIRST", "ROUND_ROBIN", "SHARED_QUEUE");
	}

	@Test
	void unknownWhenFullIsReportedWithTheAllowedValues(CapturedOutput output) {
		assertStartupReport(output, "async-task.when-full=drop", "async-task.when-full", "drop",
				"The following values are valid", "BLOCK", "REJECT", "CALLER_RUNS");
	}

	@Test
	void taskWorkerNumZeroIsReportedWithKeyValueAndFix(CapturedOutput output) {
		assertStartupReport(output, "async-task.task-worker-num=0", "async-task.task-worker-num", "0",
				"at least 1");
	}

	@Test
	void badHandlerIsReportedByTheFailureAnalyzerWithBeanMethodAndFix(CapturedOutput output) {
		ConfigurableApplicationContext started = null;
		SpringApplication application = new SpringApplication(BadHandlerApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try {
			started = application.run("--spring.main.banner-mode=off");
		}
		catch (TaskHandlerDefinitionException ex) {
			// expected
		}
		finally {
			if (started != null) {
				started.close();
			}
		}
		assertThat(started).isNull();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Method " + NoPayload.class.getName() + ".handle() of bean 'noPayload'")
			.contains("has no payload parameter")
			.contains("Action:")
			.contains("Give it exactly one payload parameter");
	}

	@Test
	void failureAnalyzerTurnsAHandlerDefinitionFailureIntoDescriptionAndAction() {
		this.runner.withBean("noPayload", NoPayload.class, NoPayload::new).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new TaskHandlerDefinitionFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription())
				.startsWith("Method " + NoPayload.class.getName() + ".handle() of bean 'noPayload'")
				.contains("has no payload parameter")
				.doesNotContain("Give it");
			assertThat(analysis.getAction()).startsWith("Give it exactly one payload parameter");
			assertThat(analysis.getCause()).isInstanceOf(TaskHandlerDefinitionException.class);
		});
	}

	@Test
	void failureAnalyzerIgnoresOtherFailures() {
		assertThat(new TaskHandlerDefinitionFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
	}

	// Metadata

	@Test
	void configurationMetadataDescribesEveryPropertyAndHintsEnumValues() throws Exception {
		Object json = JsonPath.parse(generatedMetadata().openStream()).json();
		List<Map<String, Object>> properties = JsonPath.read(json, "$.properties[?(@.name =~ /async-task\\..*/)]");
		List<String> expected = new ArrayList<>();
		for (java.beans.PropertyDescriptor descriptor : new BeanWrapperImpl(AsyncTaskProperties.class)
			.getPropertyDescriptors()) {
			if (descriptor.getWriteMethod() != null) {
				expected.add("async-task." + descriptor.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT));
			}
		}
		assertThat(expected).contains("async-task.task-worker-num", "async-task.queue-capacity",
				"async-task.dispatch-mode", "async-task.when-full", "async-task.block-timeout",
				"async-task.task-max-request", "async-task.shutdown-timeout", "async-task.inline");
		assertThat(properties).extracting((property) -> property.get("name"))
			.containsAll(expected);
		assertThat(properties).allSatisfy((property) -> assertThat(property.get("description"))
			.as("description of %s", property.get("name"))
			.asString()
			.isNotBlank()
			.endsWith("."));
		assertThat(hintValues(json, "async-task.dispatch-mode")).containsExactlyInAnyOrder("idle-first",
				"round-robin", "shared-queue");
		assertThat(hintValues(json, "async-task.when-full")).containsExactlyInAnyOrder("block", "reject",
				"caller-runs");
	}

	/** The metadata the processor generated next to AsyncTaskProperties: in target/classes, or in its jar. */
	private static URL generatedMetadata() throws Exception {
		URL classes = AsyncTaskProperties.class.getProtectionDomain().getCodeSource().getLocation();
		String path = "META-INF/spring-configuration-metadata.json";
		return (classes.getPath().endsWith(".jar") ? URI.create("jar:" + classes + "!/" + path)
				: classes.toURI().resolve(path)).toURL();
	}

	private static List<String> hintValues(Object json, String name) {
		List<String> values = JsonPath.read(json, "$.hints[?(@.name == '" + name + "')].values[*].value");
		List<String> described = JsonPath.read(json, "$.hints[?(@.name == '" + name + "')].values[*].description");
		assertThat(described).as("descriptions of %s's values", name).hasSameSizeAs(values).allMatch((d) -> !d.isBlank());
		return values;
	}

	// Helpers

	private static Throwable rootCause(AssertableApplicationContext context) {
		Throwable ex = context.getStartupFailure();
		assertThat(ex).isNotNull();
		while (ex.getCause() != null && ex.getCause() != ex) {
			ex = ex.getCause();
		}
		return ex;
	}

	/** Starts a real application, as a user would, and checks the failure report printed by the analyzers. */
	private static void assertStartupReport(CapturedOutput output, String property, String... expected) {
		SpringApplication application = new SpringApplication(EmptyApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext started = null;
		try {
			started = application.run("--spring.main.banner-mode=off", "--" + property);
		}
		catch (RuntimeException ex) {
			// expected: reported below
		}
		finally {
			if (started != null) {
				started.close();
			}
		}
		assertThat(started).as("context started with %s", property).isNull();
		assertThat(output).contains("APPLICATION FAILED TO START");
		String report = output.toString().substring(output.toString().lastIndexOf("APPLICATION FAILED TO START"));
		assertThat(report).contains(expected);
	}

	record WhoAmI() {
	}

	record Seen(int workerId, String threadName, Thread thread) {
	}

	/** A task that holds its worker until released (or interrupted). */
	static final class Block {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch released = new CountDownLatch(1);

		volatile boolean interrupted;

		void awaitStarted() throws InterruptedException {
			assertThat(this.started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("block started").isTrue();
		}

		void release() {
			this.released.countDown();
		}

	}

	static class Probe {

		@OnTask
		Seen whoAmI(WhoAmI whoAmI, TaskContext ctx) {
			Thread thread = Thread.currentThread();
			return new Seen(ctx.workerId(), thread.getName(), thread);
		}

		@OnTask
		String block(Block block) throws InterruptedException {
			block.started.countDown();
			try {
				if (!block.released.await(30, TimeUnit.SECONDS)) {
					throw new IllegalStateException("never released");
				}
			}
			catch (InterruptedException ex) {
				block.interrupted = true;
				throw ex;
			}
			return "released";
		}

	}

	static class NoPayload {

		@OnTask("nothing")
		String handle() {
			return "nothing";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTemplateConfig {

		@Bean
		TaskTemplate myTaskTemplate(DefaultTaskServer server, TaskHandlerRegistry registry) {
			return new DefaultTaskTemplate(server, registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserServerConfig {

		@Bean
		DefaultTaskServer myTaskServer(TaskHandlerRegistry registry) {
			TaskServerSettings defaults = TaskServerSettings.defaults();
			return DefaultTaskServer.local(new TaskServerSettings(1, 100, defaults.dispatchMode(),
					defaults.whenFull(), defaults.blockTimeout(), 0, defaults.shutdownTimeout(), false, "mine-"),
					registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(AsyncTaskAutoConfiguration.class)
	static class EmptyApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(AsyncTaskAutoConfiguration.class)
	static class BadHandlerApplication {

		@Bean
		NoPayload noPayload() {
			return new NoPayload();
		}

	}

}
