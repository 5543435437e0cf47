package io.github.asynctask.execution;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.TaskTimeoutException;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.execution.LoggingTaskObserver.RateLimitedWarning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The WARN lines for rejections and dropped results, and their rate limit: at most one line per interval, which
 * reports every event since the last one.
 */
@ExtendWith(OutputCaptureExtension.class)
class LoggingTaskObserverTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final AtomicLong clock = new AtomicLong(1_000);

	private final RateLimitedWarning warning = new RateLimitedWarning(SECOND, this.clock::get);

	@Test
	void theFirstEventIsReportedThenOnlyCountedWithinTheInterval() {
		assertThat(this.warning.count()).isEqualTo(1);
		for (int i = 0; i < 99; i++) {
			this.clock.addAndGet(SECOND / 200);
			assertThat(this.warning.count()).isZero();
		}
	}

	@Test
	void aLineAfterTheIntervalReportsEveryEventSinceTheLastLine() {
		assertThat(this.warning.count()).isEqualTo(1);
		for (int i = 0; i < 5; i++) {
			assertThat(this.warning.count()).isZero();
		}
		this.clock.addAndGet(SECOND);
		assertThat(this.warning.count()).isEqualTo(6);
		assertThat(this.warning.count()).isZero();
	}

	@Test
	void rejectionsAndDroppedResultsAreWarnedOncePerInterval(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
			.withPropertyValues("async-task.task-worker-num=1", "async-task.queue-capacity=1",
					"async-task.when-full=reject")
			.withBean(LoggingTaskObserver.class, () -> new LoggingTaskObserver(TimeUnit.HOURS.toNanos(1)))
			.withBean(Handlers.class)
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				Handlers handlers = context.getBean(Handlers.class);
				template.dispatch(new Hold());
				assertThat(handlers.holding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				assertThatExceptionOfType(TaskTimeoutException.class)
					.isThrownBy(() -> template.dispatchAndWait("late", Duration.ofMillis(1)));
				for (int i = 0; i < 5; i++) {
					assertThatExceptionOfType(TaskRejectedException.class).isThrownBy(() -> template.dispatch("no room"));
				}
				assertThat(template.tryDispatch("no room")).isEmpty();
				handlers.release.countDown();
				TaskServer server = context.getBean(TaskServer.class);
				await().atMost(WAIT).until(() -> server.stats().completed() == 2);
				await().atMost(WAIT).until(() -> output.getOut().contains("Result of task 'String' dropped"));
			});
		assertThat(output.getOut().lines().filter((line) -> line.contains("WARN") && line.contains("rejected")))
			.singleElement()
			.asString()
			.contains("Task 'String' rejected: ")
			.contains("async-task.when-full");
		assertThat(output.getOut().lines().filter((line) -> line.contains("Result of task 'String' dropped")))
			.singleElement()
			.asString()
			.contains("WARN");
		assertThat(output.getOut()).doesNotContain("DEBUG");
	}

	record Hold() {
	}

	static class Handlers {

		final CountDownLatch holding = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@OnTask
		void hold(Hold hold) throws InterruptedException {
			this.holding.countDown();
			this.release.await(30, TimeUnit.SECONDS);
		}

		@OnTask
		String echo(String text) {
			return text;
		}

	}

}
