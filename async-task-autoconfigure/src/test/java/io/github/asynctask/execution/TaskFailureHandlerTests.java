package io.github.asynctask.execution;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskFailureHandler;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TaskFailureHandler}: called once per task that ends {@code FAILED} or {@code TIMED_OUT} after all its
 * retries, besides the normal outcome; never for a success, a retried attempt or a cancelled task; what it throws
 * changes nothing.
 */
class TaskFailureHandlerTests {

	static final Duration WAIT = Duration.ofSeconds(20);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
		.withPropertyValues("async-task.task-worker-num=1")
		.withBean(Handlers.class, Handlers::new)
		.withBean(Recorder.class, Recorder::new);

	@Test
	void calledOnceForEachFailedOrTimedOutTaskAfterAllRetriesBesidesItsNormalOutcome() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			List<TaskResult<Object>> results = template.dispatchAllAndWait(
					List.of(new Boom("a", 5), new Boom("b", 1), new Hang("c"), new Boom("d", 0)), WAIT);
			assertThat(results).extracting(TaskResult::status)
				.containsExactly(TaskStatus.FAILED, TaskStatus.SUCCEEDED, TaskStatus.TIMED_OUT, TaskStatus.SUCCEEDED);
			Recorder recorder = context.getBean(Recorder.class);
			assertThat(recorder.failures).extracting((result) -> result.payload().toString())
				.containsExactlyInAnyOrder(new Boom("a", 5).toString(), new Hang("c").toString());
			TaskResult<?> failed = recorder.failures.stream()
				.filter((result) -> result.status() == TaskStatus.FAILED)
				.findFirst()
				.orElseThrow();
			assertThat(failed.attempts()).isEqualTo(3);
			assertThat(failed.error()).hasMessage("a failed attempt 3");
			assertThat(failed.taskName()).isEqualTo("Boom");
		});
	}

	@Test
	void aThrowingFailureHandlerChangesNothing() {
		this.runner.withBean("throwing", TaskFailureHandler.class, () -> (result) -> {
			throw new IllegalStateException("failure handler broke");
		}).run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			TaskResult<Object> result = template.dispatchAllAndWait(List.of(new Boom("e", 9)), WAIT).get(0);
			assertThat(result.status()).isEqualTo(TaskStatus.FAILED);
			assertThat(result.error()).hasMessage("e failed attempt 3");
			assertThat(template.<String>dispatchAndWait(new Boom("f", 0), WAIT)).isEqualTo("f");
		});
	}

	record Boom(String id, int failures) {
	}

	record Hang(String id) {
	}

	static class Recorder implements TaskFailureHandler {

		final List<TaskResult<?>> failures = new CopyOnWriteArrayList<>();

		@Override
		public void onFailure(TaskResult<?> result) {
			this.failures.add(result);
		}

	}

	static class Handlers {

		@OnTask(retries = 2, backoff = "5ms")
		String boom(Boom boom, TaskContext context) {
			if (context.attempt() <= boom.failures()) {
				throw new IllegalStateException(boom.id() + " failed attempt " + context.attempt());
			}
			return boom.id();
		}

		@OnTask(timeout = "100ms")
		String hang(Hang hang) throws InterruptedException {
			Thread.sleep(60_000);
			return hang.id();
		}

	}

}
