package io.github.asynctask.server;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.asynctask.TaskFailedException;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.TaskTimeoutException;
import io.github.asynctask.server.TestHandlers.Boom;
import io.github.asynctask.server.TestHandlers.Echo;
import io.github.asynctask.server.TestHandlers.Gated;
import io.github.asynctask.server.TestHandlers.Nothing;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Every {@link TaskTemplate} method and view, through a real context.
 */
class TaskTemplateTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = TestHandlers.runner("async-task.task-worker-num=2");

	@Test
	void dispatchReturnsIdsAndDeliversToOnFinishOnAWorker() {
		this.runner.run((context) -> {
			TaskTemplate template = template(context);
			TestHandlers handlers = handlers(context);
			long first = template.dispatch(new Echo("a"));
			long second = template.dispatch(new Echo("b"));
			assertThat(second).isGreaterThan(first);
			await().atMost(WAIT).until(() -> handlers.finished.size() == 2);
			assertThat(handlers.finished).containsExactlyInAnyOrder("a", "b");
			assertThat(handlers.finishThreads).allMatch((name) -> name.startsWith("async-task-worker-"));
			assertThat(handlers.outcomes).extracting(TaskResult::taskId).containsExactlyInAnyOrder(first, second);
			assertThat(handlers.outcomes).allSatisfy((result) -> {
				assertThat(result.status()).isEqualTo(TaskStatus.SUCCEEDED);
				assertThat(result.taskName()).isEqualTo("Echo");
				assertThat(result.attempts()).isEqualTo(1);
				assertThat(result.workerId()).isBetween(0, 1);
			});
		});
	}

	@Test
	void tryDispatchReturnsTheIdWhenThereIsRoom() {
		this.runner.run((context) -> {
			OptionalLong id = template(context).tryDispatch(new Echo("t"));
			assertThat(id).isPresent();
			await().atMost(WAIT).until(() -> handlers(context).finished.contains("t"));
		});
	}

	@Test
	void callbackReplacesOnFinish() {
		this.runner.run((context) -> {
			TestHandlers handlers = handlers(context);
			CompletableFuture<TaskResult<String>> received = new CompletableFuture<>();
			AtomicReference<String> thread = new AtomicReference<>();
			long id = template(context).dispatch(new Echo("cb"), (TaskResult<String> result) -> {
				thread.set(Thread.currentThread().getName());
				received.complete(result);
			});
			TaskResult<String> result = received.get(10, TimeUnit.SECONDS);
			assertThat(result.taskId()).isEqualTo(id);
			assertThat(result.value()).isEqualTo("cb");
			assertThat(thread.get()).startsWith("async-task-worker-");
			// the listeners of the next task still run, but never saw "cb"
			template(context).dispatchAndWait(new Echo("after"), WAIT);
			template(context).dispatch(new Echo("listened"));
			await().atMost(WAIT).until(() -> handlers.finished.contains("listened"));
			assertThat(handlers.finished).doesNotContain("cb", "after");
		});
	}

	@Test
	void resultsCarryRunTimeAndContextsTheDispatchTime() {
		this.runner.run((context) -> {
			java.time.Instant before = java.time.Instant.now();
			List<TaskResult<Object>> results = template(context)
				.dispatchAllAndWait(List.of(new TestHandlers.Slow(60, 1), new Echo("when")), WAIT);
			java.time.Instant after = java.time.Instant.now();
			assertThat(results.get(0).runTime()).isGreaterThanOrEqualTo(Duration.ofMillis(60));
			assertThat(results.get(1).runTime()).isLessThan(Duration.ofSeconds(10));
			assertThat(handlers(context).echoDispatchedAt.get("when"))
				.isBetween(before.minusMillis(5), after.plusMillis(5));
		});
	}

	@Test
	void callbackReceivesFailures() {
		this.runner.run((context) -> {
			CompletableFuture<TaskResult<Object>> received = new CompletableFuture<>();
			template(context).dispatch(new Boom("kaput"), received::complete);
			TaskResult<Object> result = received.get(10, TimeUnit.SECONDS);
			assertThat(result.status()).isEqualTo(TaskStatus.FAILED);
			assertThat(result.isSuccess()).isFalse();
			assertThat(result.value()).isNull();
			assertThat(result.error()).isInstanceOf(IllegalStateException.class).hasMessage("kaput");
		});
	}

	@Test
	void submitCompletesWithTheResult() throws Exception {
		this.runner.run((context) -> {
			CompletableFuture<String> future = template(context).submit(new Echo("s"));
			assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo("s");
		});
	}

	@Test
	void submitFailsWithTaskFailedExceptionCausedByTheHandlersException() {
		this.runner.run((context) -> {
			CompletableFuture<Object> future = template(context).submit(new Boom("bad"));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(10, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(TaskFailedException.class)
				.withMessageContaining("'Boom' failed")
				.havingCause()
				.isInstanceOf(IllegalStateException.class)
				.withMessage("bad");
		});
	}

	@Test
	void dispatchAndWaitReturnsTheResultOrThrowsTheFailure() {
		this.runner.run((context) -> {
			TaskTemplate template = template(context);
			String value = template.dispatchAndWait(new Echo("w"), WAIT);
			assertThat(value).isEqualTo("w");
			assertThatExceptionOfType(TaskFailedException.class)
				.isThrownBy(() -> template.dispatchAndWait(new Boom("no"), WAIT))
				.withCauseInstanceOf(IllegalStateException.class);
			Object nothing = template.dispatchAndWait(new Nothing(), WAIT);
			assertThat(nothing).isNull();
		});
	}

	@Test
	void waitTimeoutLeavesTheTaskRunningAndAFreshWaitGetsItsOwnResult() {
		this.runner.run((context) -> {
			TaskTemplate template = template(context);
			DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
			CountDownLatch gate = new CountDownLatch(1);
			assertThatExceptionOfType(TaskTimeoutException.class)
				.isThrownBy(() -> template.dispatchAndWait(new Gated("late", gate), Duration.ofMillis(50)))
				.withMessageContaining("did not finish within the wait of 50ms");
			String fresh = template.dispatchAndWait(new Echo("fresh"), WAIT);
			assertThat(fresh).isEqualTo("fresh");
			gate.countDown();
			// the late result is dropped and counted, and reached no listener
			await().atMost(WAIT).until(() -> server.droppedResults() == 1);
			assertThat(handlers(context).finished).doesNotContain("late");
		});
	}

	@Test
	void dispatchAllAndWaitReturnsIndexAlignedResults() {
		this.runner.run((context) -> {
			List<TaskResult<Object>> results = template(context)
				.dispatchAllAndWait(List.of(new Echo("x"), new Boom("y"), new Echo("z")), WAIT);
			assertThat(results).extracting(TaskResult::status)
				.containsExactly(TaskStatus.SUCCEEDED, TaskStatus.FAILED, TaskStatus.SUCCEEDED);
			assertThat(results.get(0).value()).isEqualTo("x");
			assertThat(results.get(1).error()).hasMessage("y");
			assertThat(results.get(2).value()).isEqualTo("z");
		});
	}

	@Test
	void dispatchAllAndWaitKeepsFinishedResultsAndTimesOutTheRestWithinOneDeadline() {
		this.runner.run((context) -> {
			DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
			CountDownLatch gate = new CountDownLatch(1);
			long start = System.nanoTime();
			List<TaskResult<Object>> results = template(context).dispatchAllAndWait(
					List.of(new Echo("p1"), new Gated("g", gate), new Echo("p2")), Duration.ofMillis(300));
			long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(results).extracting(TaskResult::status)
				.containsExactly(TaskStatus.SUCCEEDED, TaskStatus.TIMED_OUT, TaskStatus.SUCCEEDED);
			assertThat(results).extracting(TaskResult::value).containsExactly("p1", null, "p2");
			assertThat(results.get(1).error()).isInstanceOf(TaskTimeoutException.class);
			assertThat(results.get(1).taskName()).isEqualTo("Gated");
			assertThat(waitedMillis).isGreaterThanOrEqualTo(300);
			gate.countDown();
			await().atMost(WAIT).until(() -> server.droppedResults() == 1);
		});
	}

	@Test
	void submitAllCompletesWithEveryOutcome() {
		this.runner.run((context) -> {
			CompletableFuture<List<TaskResult<String>>> future = template(context)
				.submitAll(List.of(new Echo("1"), new Echo("2"), new Echo("3")));
			assertThat(future.get(10, TimeUnit.SECONDS)).extracting(TaskResult::value).containsExactly("1", "2", "3");
			assertThat(template(context).<String>submitAll(List.of()).get(1, TimeUnit.SECONDS)).isEmpty();
		});
	}

	@Test
	void cancelRemovesAQueuedTaskAndDeliversCancelled() {
		TestHandlers.runner("async-task.task-worker-num=1").run((context) -> {
			TaskTemplate template = template(context);
			CountDownLatch gate = new CountDownLatch(1);
			CompletableFuture<String> running = template.submit(new Gated("running", gate));
			CompletableFuture<String> queued = template.submit(new Echo("queued"));
			CompletableFuture<TaskResult<String>> callback = new CompletableFuture<>();
			long queuedId = template.dispatch(new Echo("queued-cb"), callback::complete);
			assertThat(template.cancel(queuedId)).isTrue();
			assertThat(template.cancel(queuedId)).isFalse();
			TaskResult<String> cancelled = callback.get(1, TimeUnit.SECONDS);
			assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
			assertThat(cancelled.attempts()).isZero();
			assertThat(cancelled.error()).isInstanceOf(CancellationException.class);
			gate.countDown();
			assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo("running");
			assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("queued");
			assertThat(handlers(context).echoThreads).doesNotContainKey("queued-cb");
		});
	}

	@Test
	void cancelledTaskReachesOnFinishOnTheWorkerNotOnTheCaller() {
		TestHandlers.runner("async-task.task-worker-num=1").run((context) -> {
			TaskTemplate template = template(context);
			TestHandlers handlers = handlers(context);
			CountDownLatch gate = new CountDownLatch(1);
			template.dispatch(new Gated("blocker", gate));
			long id = template.dispatch(new Echo("cancelled"));
			assertThat(template.cancel(id)).isTrue();
			assertThat(context.getBean(DefaultTaskServer.class).stats().completed()).isEqualTo(1);
			assertThat(handlers.outcomes).isEmpty();
			gate.countDown();
			await().atMost(WAIT).until(() -> handlers.outcomes.size() == 2);
			assertThat(handlers.outcomes).filteredOn((r) -> r.taskId() == id).singleElement()
				.satisfies((r) -> assertThat(r.status()).isEqualTo(TaskStatus.CANCELLED));
			assertThat(handlers.outcomeThreads).containsOnly("async-task-worker-0");
			assertThat(handlers.echoThreads).doesNotContainKey("cancelled");
		});
	}

	@Test
	void cancelledTaskStillQueuedAtShutdownReachesOnFinishExactlyOnce() {
		TestHandlers[] handlers = new TestHandlers[1];
		TestHandlers.runner("async-task.task-worker-num=1", "async-task.shutdown-timeout=100ms").run((context) -> {
			TaskTemplate template = template(context);
			handlers[0] = handlers(context);
			template.dispatch(new Gated("stuck", new CountDownLatch(1)));
			long id = template.dispatch(new Echo("cancelled"));
			assertThat(template.cancel(id)).isTrue();
		});
		assertThat(handlers[0].outcomes).extracting(TaskResult::taskName, TaskResult::status)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("Gated", TaskStatus.FAILED),
					org.assertj.core.groups.Tuple.tuple("Echo", TaskStatus.CANCELLED));
	}

	@Test
	void cancelOfARunningFinishedOrUnknownTaskReturnsFalse() {
		TestHandlers.runner("async-task.task-worker-num=1").run((context) -> {
			TaskTemplate template = template(context);
			CountDownLatch gate = new CountDownLatch(1);
			CompletableFuture<TaskResult<String>> outcome = new CompletableFuture<>();
			long running = template.dispatch(new Gated("r", gate), outcome::complete);
			await().atMost(WAIT).until(() -> context.getBean(DefaultTaskServer.class).stats().taskingNum() == 1);
			assertThat(template.cancel(running)).isFalse();
			gate.countDown();
			assertThat(outcome.get(10, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.SUCCEEDED);
			assertThat(template.cancel(running)).isFalse();
			assertThat(template.cancel(987_654)).isFalse();
		});
	}

	@Test
	void cancelledFutureTaskFailsWithCancellationException() {
		TestHandlers.runner("async-task.task-worker-num=1").run((context) -> {
			TaskTemplate template = template(context);
			CountDownLatch gate = new CountDownLatch(1);
			template.dispatch(new Gated("blocker", gate));
			CompletableFuture<TaskResult<Object>> seen = new CompletableFuture<>();
			long id = template.dispatch(new Echo("victim"), seen::complete);
			template.cancel(id);
			assertThat(seen.get(1, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.CANCELLED);
			CompletableFuture<String> future = template.submit(new Echo("victim-2"));
			// find the id: it is the next one
			assertThat(template.cancel(id + 1)).isTrue();
			assertThat(future).isCancelled();
			gate.countDown();
		});
	}

	@Test
	void onWorkerRunsOnThatWorker() {
		TestHandlers.runner("async-task.task-worker-num=3").run((context) -> {
			TaskTemplate onTwo = template(context).onWorker(2);
			for (int i = 0; i < 10; i++) {
				onTwo.dispatchAndWait(new Echo("w" + i), WAIT);
			}
			TestHandlers handlers = handlers(context);
			assertThat(handlers.echoWorkers).hasSize(10).allSatisfy((text, worker) -> assertThat(worker).isEqualTo(2));
			assertThat(handlers.echoThreads.values()).containsOnly("async-task-worker-2");
		});
	}

	@Test
	void onWorkerOutOfRangeIsACallerMistake() {
		TestHandlers.runner("async-task.task-worker-num=3").run((context) -> {
			assertThatIllegalArgumentException().isThrownBy(() -> template(context).onWorker(3))
				.withMessage("Worker id 3 is out of range: async-task.task-worker-num is 3, so worker ids are 0..2.");
			assertThatIllegalArgumentException().isThrownBy(() -> template(context).onWorker(-1));
		});
	}

	@Test
	void withKeySendsOneKeysTasksToOneWorker() {
		TestHandlers.runner("async-task.task-worker-num=4").run((context) -> {
			TaskTemplate template = template(context);
			for (int i = 0; i < 20; i++) {
				template.withKey("customer-7").dispatchAndWait(new Echo("k" + i), WAIT);
			}
			assertThat(handlers(context).echoWorkers.values()).hasSize(20).containsOnly(
					handlers(context).echoWorkers.get("k0"));
		});
	}

	@Test
	void viewsAreImmutableAndCombine() {
		TestHandlers.runner("async-task.task-worker-num=3").run((context) -> {
			TaskTemplate template = template(context);
			TaskTemplate named = template.named("Echo");
			TaskTemplate namedOnOne = named.onWorker(1);
			assertThat(namedOnOne).isNotSameAs(named);
			assertThat(namedOnOne.<String>dispatchAndWait(new Echo("combined"), WAIT)).isEqualTo("combined");
			assertThat(handlers(context).echoWorkers).containsEntry("combined", 1);
			// the base views are unchanged: a Boom still routes by type from the root template
			assertThatExceptionOfType(TaskFailedException.class)
				.isThrownBy(() -> template.dispatchAndWait(new Boom("still routed"), WAIT));
			assertThatIllegalArgumentException().isThrownBy(() -> named.dispatch(new Boom("wrong type")))
				.withMessageContaining("Task 'Echo' takes a " + Echo.class.getName());
		});
	}

	@Test
	void nullPayloadIsACallerMistake() {
		this.runner.run((context) -> assertThatIllegalArgumentException()
			.isThrownBy(() -> template(context).dispatch(null))
			.withMessageContaining("payload must not be null"));
	}

	@Test
	void inlineRunsEveryTaskAndItsListenersOnTheCallersThread() {
		TestHandlers.runner("async-task.inline=true").run((context) -> {
			TaskTemplate template = template(context);
			TestHandlers handlers = handlers(context);
			String caller = Thread.currentThread().getName();
			template.dispatch(new Echo("inline"));
			// nothing to wait for: it already ran
			assertThat(handlers.finished).containsExactly("inline");
			assertThat(handlers.finishThreads).containsExactly(caller);
			assertThat(handlers.echoThreads).containsEntry("inline", caller);
			assertThat(handlers.echoWorkers).containsEntry("inline", -1);
			assertThat(template.<String>submit(new Echo("f"))).isCompletedWithValue("f");
			assertThat(template.<String>dispatchAndWait(new Echo("w"), Duration.ZERO)).isEqualTo("w");
			assertThat(context.getBean(DefaultTaskServer.class).stats().completed()).isEqualTo(3);
		});
	}

	private static TaskTemplate template(ApplicationContext context) {
		return context.getBean(TaskTemplate.class);
	}

	private static TestHandlers handlers(ApplicationContext context) {
		return context.getBean(TestHandlers.class);
	}

}
