package io.github.asynctask.execution;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.handler.TaskHandlerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retries: attempts counted from 1, backoff on a timer (the worker serves other tasks meanwhile), the filter of
 * retried errors, the last error with the earlier ones suppressed, a keyed task's retry keeping its key's order,
 * tasks waiting to retry counted as queued and cancelled at shutdown. Each test runs with platform workers, and in
 * {@code VirtualThreadRetryTests} with virtual threads.
 */
class RetryTests {

	static final Duration WAIT = Duration.ofSeconds(20);

	ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
			.withPropertyValues("async-task.task-worker-num=1")
			.withBean(Flaky.class, Flaky::new);
	}

	@ParameterizedTest
	@ValueSource(strings = { "idle-first", "shared-queue" })
	void handlerFailingTwiceThenSucceedingWithTwoRetriesSucceedsOnceWithThreeAttempts(String mode) {
		runner().withPropertyValues("async-task.dispatch-mode=" + mode).run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Flaky flaky = context.getBean(Flaky.class);
			List<TaskResult<String>> results = template.dispatchAllAndWait(List.of(new FailTimes("a", 2)), WAIT);
			assertThat(results).hasSize(1);
			TaskResult<String> result = results.get(0);
			assertThat(result.status()).isEqualTo(TaskStatus.SUCCEEDED);
			assertThat(result.value()).isEqualTo("a after 3");
			assertThat(result.attempts()).isEqualTo(3);
			assertThat(flaky.attemptsSeen("a")).containsExactly(1, 2, 3);
			assertThat(context.getBean(TaskHandlerRegistry.class).handler("FailTimes").counters().retriesCount())
				.isEqualTo(2);
			TaskServer server = context.getBean(TaskServer.class);
			assertThat(server.stats().completed()).isEqualTo(1);
			assertThat(server.stats().failed()).isZero();
		});
	}

	@Test
	void afterTheLastAttemptTheTaskFailsWithTheLastErrorAndTheEarlierOnesSuppressed() {
		runner().run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			TaskResult<String> result = template.<String>dispatchAllAndWait(List.of(new FailTimes("b", 10)), WAIT)
				.get(0);
			assertThat(result.status()).isEqualTo(TaskStatus.FAILED);
			assertThat(result.attempts()).isEqualTo(3);
			assertThat(result.error()).isInstanceOf(IOException.class).hasMessage("b failed attempt 3");
			assertThat(result.error().getSuppressed()).extracting(Throwable::getMessage)
				.containsExactly("b failed attempt 1", "b failed attempt 2");
			assertThat(context.getBean(Flaky.class).attemptsSeen("b")).containsExactly(1, 2, 3);
		});
	}

	@Test
	void errorsOutsideRetryOnOrInNoRetryOnAreNotRetried() {
		runner().run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Flaky flaky = context.getBean(Flaky.class);
			TaskResult<String> notListed = template.<String>dispatchAllAndWait(List.of(new Refuse("c", false)), WAIT)
				.get(0);
			assertThat(notListed.status()).isEqualTo(TaskStatus.FAILED);
			assertThat(notListed.attempts()).isEqualTo(1);
			assertThat(notListed.error()).isInstanceOf(IllegalStateException.class);
			TaskResult<String> excluded = template.<String>dispatchAllAndWait(List.of(new Refuse("d", true)), WAIT)
				.get(0);
			assertThat(excluded.attempts()).isEqualTo(1);
			assertThat(excluded.error()).isInstanceOf(java.io.FileNotFoundException.class);
			assertThat(flaky.attemptsSeen("c")).containsExactly(1);
			assertThat(flaky.attemptsSeen("d")).containsExactly(1);
		});
	}

	@Test
	void aRetryWaitingForItsBackoffDoesNotHoldItsWorker() {
		runner().withPropertyValues("async-task.shutdown-timeout=0s").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Flaky flaky = context.getBean(Flaky.class);
			// one worker; the retry waits an hour, so anything else that completes ran on that worker meanwhile
			CompletableFuture<String> waiting = template.submit(new SlowRetry("e"));
			assertThat(flaky.firstAttemptFailed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			String other = template.dispatchAndWait(new FailTimes("f", 0), WAIT);
			assertThat(other).isEqualTo("f after 1");
			assertThat(waiting).isNotDone();
			// waiting to retry counts as queued
			await().atMost(WAIT).until(() -> context.getBean(TaskServer.class).stats().queuedNum() == 1);
			context.close();
			// and ends CANCELLED at shutdown
			await().atMost(WAIT).until(waiting::isDone);
			assertThat(waiting).isCompletedExceptionally();
			assertThat(waiting.handle((value, ex) -> ex).join())
				.isInstanceOf(java.util.concurrent.CancellationException.class);
			assertThat(flaky.attemptsSeen("e")).containsExactly(1);
		});
	}

	@Test
	void aTaskWaitingToRetryCanBeCancelled() {
		runner().run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Flaky flaky = context.getBean(Flaky.class);
			List<TaskResult<Object>> outcomes = new CopyOnWriteArrayList<>();
			long id = template.dispatch(new SlowRetry("h"), outcomes::add);
			assertThat(flaky.firstAttemptFailed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			await().atMost(WAIT).until(() -> context.getBean(TaskServer.class).stats().queuedNum() == 1);
			assertThat(template.cancel(id)).isTrue();
			await().atMost(WAIT).until(() -> outcomes.size() == 1);
			assertThat(outcomes.get(0).status()).isEqualTo(TaskStatus.CANCELLED);
			assertThat(outcomes.get(0).attempts()).isEqualTo(1);
			assertThat(outcomes.get(0).error().getSuppressed()).extracting(Throwable::getMessage)
				.containsExactly("retry me later");
			assertThat(context.getBean(TaskServer.class).stats().queuedNum()).isZero();
			assertThat(template.cancel(id)).isFalse();
		});
	}

	@Test
	void aKeyedTasksRetryKeepsItsKeysOrderWhileOtherKeysRun() {
		runner().run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Flaky flaky = context.getBean(Flaky.class);
			TaskTemplate keyed = template.withKey("customer-1");
			CompletableFuture<String> first = keyed.submit(new Ordered("k1", 2));
			CompletableFuture<String> second = keyed.submit(new Ordered("k2", 0));
			CompletableFuture<String> third = keyed.submit(new Ordered("k3", 1));
			String otherKey = template.withKey("customer-2").dispatchAndWait(new FailTimes("g", 0), WAIT);
			assertThat(otherKey).isEqualTo("g after 1");
			assertThat(CompletableFuture.allOf(first, second, third)).succeedsWithin(WAIT);
			assertThat(flaky.order.stream().filter((entry) -> entry.startsWith("k")).toList())
				.containsExactly("k1#1", "k1#2", "k1#3", "k2#1", "k3#1", "k3#2");
		});
	}

	record FailTimes(String id, int failures) {
	}

	record Refuse(String id, boolean excluded) {
	}

	record SlowRetry(String id) {
	}

	record Ordered(String id, int failures) {
	}

	static class Flaky {

		final Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();

		final List<String> order = new CopyOnWriteArrayList<>();

		final CountDownLatch firstAttemptFailed = new CountDownLatch(1);

		final AtomicInteger running = new AtomicInteger();

		List<Integer> attemptsSeen(String id) {
			return this.attempts.getOrDefault(id, List.of());
		}

		private void seen(String id, TaskContext context) {
			this.attempts.computeIfAbsent(id, (key) -> new CopyOnWriteArrayList<>()).add(context.attempt());
		}

		@OnTask(retries = 2, backoff = "10ms", retryOn = IOException.class)
		String failTimes(FailTimes task, TaskContext context) throws IOException {
			seen(task.id(), context);
			if (context.attempt() <= task.failures()) {
				throw new IOException(task.id() + " failed attempt " + context.attempt());
			}
			return task.id() + " after " + context.attempt();
		}

		@OnTask(retries = 3, backoff = "10ms", retryOn = IOException.class,
				noRetryOn = java.io.FileNotFoundException.class)
		String refuse(Refuse task, TaskContext context) throws IOException {
			seen(task.id(), context);
			if (task.excluded()) {
				throw new java.io.FileNotFoundException(task.id());
			}
			throw new IllegalStateException(task.id());
		}

		@OnTask(retries = 1, backoff = "1h")
		String slowRetry(SlowRetry task, TaskContext context) {
			seen(task.id(), context);
			this.firstAttemptFailed.countDown();
			throw new IllegalStateException("retry me later");
		}

		@OnTask(retries = 2, backoff = "50ms")
		String ordered(Ordered task, TaskContext context) {
			this.order.add(task.id() + "#" + context.attempt());
			if (context.attempt() <= task.failures()) {
				throw new IllegalStateException(task.id() + " failed attempt " + context.attempt());
			}
			return task.id();
		}

	}

}
