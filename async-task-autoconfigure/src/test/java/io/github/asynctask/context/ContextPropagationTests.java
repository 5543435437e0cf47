package io.github.asynctask.context;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.autoconfigure.context.AsyncTaskContextPropagationAutoConfiguration;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The caller's MDC reaches the handler and its {@code @OnFinish} method, and is gone for the next task on the same
 * worker; with nothing more than the starter (the MDC accessor is registered by us).
 */
class ContextPropagationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class,
				AsyncTaskContextPropagationAutoConfiguration.class))
		.withPropertyValues("async-task.task-worker-num=1")
		.withBean(Recorder.class);

	@AfterEach
	void clearMdc() {
		MDC.clear();
	}

	@Test
	void mdcOfTheCallerInTheHandlerAndOnFinishAndNotInTheNextTask() {
		this.runner.run((context) -> {
			assertThat(ContextRegistry.getInstance().getThreadLocalAccessors())
				.anyMatch((accessor) -> Slf4jThreadLocalAccessor.KEY.equals(accessor.key()));
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Recorder recorder = context.getBean(Recorder.class);

			MDC.put("requestId", "r-42");
			template.dispatch(new Job("first"));
			MDC.clear();
			template.dispatch(new Job("second"));

			assertThat(recorder.done.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			assertThat(recorder.inHandler).containsEntry("first", "r-42").containsEntry("second", "none");
			assertThat(recorder.inOnFinish).containsEntry("first", "r-42").containsEntry("second", "none");
			assertThat(recorder.workers.get("first")).isEqualTo(recorder.workers.get("second"));
			// nothing to carry costs nothing: the task with no context ran without the link on its stack
			assertThat(recorder.throughTheLink).containsEntry("first", true).containsEntry("second", false);
			assertThat(MDC.get("requestId")).isNull();
		});
	}

	@Test
	void aHandlerThatLeavesSomethingInTheMdcDoesNotLeakIntoTheNextTask() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Recorder recorder = context.getBean(Recorder.class);
			MDC.put("requestId", "r-1");
			template.dispatch(new Job("leaky"));
			MDC.clear();
			template.dispatch(new Job("second"));
			assertThat(recorder.done.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			assertThat(recorder.inHandler).containsEntry("leaky", "r-1").containsEntry("second", "none");
			assertThat(recorder.leaked).doesNotContainKey("second");
		});
	}

	@Test
	void propagateContextFalseCarriesNothing() {
		this.runner.withPropertyValues("async-task.propagate-context=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ContextPropagatingTaskInterceptor.class);
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Recorder recorder = context.getBean(Recorder.class);
			MDC.put("requestId", "r-7");
			template.dispatch(new Job("first"));
			template.dispatch(new Job("second"));
			assertThat(recorder.done.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			assertThat(recorder.inHandler).containsEntry("first", "none");
		});
	}

	record Job(String name) {
	}

	static class Recorder {

		final Map<String, String> inHandler = new ConcurrentHashMap<>();

		final Map<String, String> inOnFinish = new ConcurrentHashMap<>();

		final Map<String, Integer> workers = new ConcurrentHashMap<>();

		final Map<String, String> leaked = new ConcurrentHashMap<>();

		final Map<String, Boolean> throughTheLink = new ConcurrentHashMap<>();

		final CountDownLatch done = new CountDownLatch(1);

		@OnTask
		String run(Job job, TaskContext context) {
			String leftOver = MDC.get("leftOver");
			if (leftOver != null) {
				this.leaked.put(job.name(), leftOver);
			}
			this.inHandler.put(job.name(), value());
			this.workers.put(job.name(), context.workerId());
			this.throughTheLink.put(job.name(), java.util.Arrays.stream(Thread.currentThread().getStackTrace())
				.anyMatch((frame) -> frame.getClassName().equals(ContextPropagatingTaskInterceptor.class.getName())));
			if (job.name().equals("leaky")) {
				MDC.put("leftOver", "from the leaky task");
			}
			return job.name();
		}

		@OnFinish
		void finished(String name) {
			this.inOnFinish.put(name, value());
			if (name.equals("second")) {
				this.done.countDown();
			}
		}

		private static String value() {
			String requestId = MDC.get("requestId");
			return (requestId != null) ? requestId : "none";
		}

	}

}
