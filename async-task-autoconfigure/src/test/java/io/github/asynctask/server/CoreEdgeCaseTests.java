package io.github.asynctask.server;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.asynctask.NoTaskHandlerException;
import io.github.asynctask.TaskFailedException;
import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskServerStats;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.execution.Task;
import io.github.asynctask.execution.TaskObserver;
import io.github.asynctask.server.TestHandlers.Counted;
import io.github.asynctask.server.TestHandlers.Echo;
import io.github.asynctask.server.TestHandlers.Gated;
import io.github.asynctask.server.TestHandlers.Nasty;
import io.github.asynctask.server.TestHandlers.Probe;
import io.github.asynctask.server.TestHandlers.Slow;
import io.github.asynctask.server.TestHandlers.Step;
import io.github.asynctask.server.TestHandlers.Stubborn;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The edge cases the first core got wrong, each through a real context.
 */
class CoreEdgeCaseTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	// 1. a named view made in a constructor

	@Test
	void namedViewsMadeInAConstructorResolveAtTheirFirstDispatch() {
		TestHandlers.runner("async-task.task-worker-num=1").withUserConfiguration(ViewHolderConfig.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ViewHolder holder = context.getBean(ViewHolder.class);
				assertThat(holder.echo.<String>dispatchAndWait(new Echo("named"), WAIT)).isEqualTo("named");
				assertThatExceptionOfType(NoTaskHandlerException.class)
					.isThrownBy(() -> holder.unknown.dispatch(new Echo("x")))
					.withMessageContaining("'no.such.task'")
					.withMessageContaining("Echo");
			});
	}

	static class ViewHolder {

		final TaskTemplate echo;

		final TaskTemplate unknown;

		ViewHolder(TaskTemplate tasks) {
			this.echo = tasks.named("Echo");
			this.unknown = tasks.named("no.such.task").withKey("k");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ViewHolderConfig {

		@Bean
		ViewHolder viewHolder(TaskTemplate tasks) {
			return new ViewHolder(tasks);
		}

	}

	// 2. user code that cannot even be printed

	@Test
	void anExceptionThatCannotBePrintedStillEndsTheTask() {
		TestHandlers.runner("async-task.task-worker-num=1").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			CompletableFuture<String> future = template.submit(new Nasty());
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(30, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(TaskFailedException.class)
				.withCauseInstanceOf(TestHandlers.UnprintableException.class)
				.withMessageContaining("UnprintableException");
			assertThatExceptionOfType(TaskFailedException.class)
				.isThrownBy(() -> template.dispatchAndWait(new Nasty(), WAIT))
				.withCauseInstanceOf(TestHandlers.UnprintableException.class);
			// a callback that throws something unprintable neither loses the outcome nor the worker
			AtomicReference<TaskStatus> seen = new AtomicReference<>();
			template.dispatch(new Nasty(), (result) -> {
				seen.set(result.status());
				throw new TestHandlers.UnprintableException();
			});
			await().atMost(WAIT).until(() -> seen.get() == TaskStatus.FAILED);
			assertThat(template.<String>dispatchAndWait(new Echo("after"), WAIT)).isEqualTo("after");
			TestHandlers handlers = context.getBean(TestHandlers.class);
			assertThat(handlers.echoThreads.get("after")).isEqualTo("async-task-worker-0");
			DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
			await().atMost(WAIT).until(() -> server.listenerErrors() == 1);
		});
	}

	// 3. a stray interrupt of an idle worker

	@Test
	void aStrayInterruptOfAnIdleWorkerIsAbsorbed() {
		TestHandlers.runner("async-task.task-worker-num=1").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			TestHandlers handlers = context.getBean(TestHandlers.class);
			template.dispatchAndWait(new Probe("first"), WAIT);
			Thread worker = handlers.probeThreads.get("first");
			await().atMost(WAIT).until(() -> worker.getState() == Thread.State.WAITING); // parked
			worker.interrupt();
			// it absorbs the interrupt and parks again, instead of spinning with park returning at once
			await().atMost(WAIT).until(() -> worker.getState() == Thread.State.WAITING && !worker.isInterrupted());
			template.dispatchAndWait(new Probe("second"), WAIT);
			assertThat(handlers.probeThreads.get("second")).isSameAs(worker);
			assertThat(handlers.probeInterrupted.get("second")).as("the next task starts interrupted").isFalse();
		});
	}

	// 4. caller-runs never runs a pinned task on the caller

	@Test
	void underCallerRunsAKeyedTaskWaitsForRoomInsteadOfOvertakingItsKey() throws Exception {
		TestHandlers.runner("async-task.task-worker-num=1", "async-task.queue-capacity=1",
				"async-task.when-full=caller-runs", "async-task.block-timeout=30s")
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				TestHandlers handlers = context.getBean(TestHandlers.class);
				CountDownLatch gate = new CountDownLatch(1);
				template.dispatch(new Gated("busy", gate));
				await().atMost(WAIT).until(() -> context.getBean(DefaultTaskServer.class).stats().taskingNum() == 1);
				TaskTemplate keyed = template.withKey("customer-1");
				keyed.dispatch(new Step("customer-1", 0)); // fills the queue
				CountDownLatch dispatched = new CountDownLatch(1);
				Thread caller = new Thread(() -> {
					keyed.dispatch(new Step("customer-1", 1)); // no room: waits, does not run here
					dispatched.countDown();
				});
				caller.start();
				await().atMost(WAIT).until(() -> blockedProducers(context) == 1);
				assertThat(handlers.stepsByKey).isEmpty();
				gate.countDown();
				assertThat(dispatched.await(30, TimeUnit.SECONDS)).isTrue();
				await().atMost(WAIT).until(() -> handlers.steps.sum() == 2);
				assertThat(handlers.stepsByKey.get("customer-1")).containsExactly(0, 1);
			});
	}

	// 5. cancel leaves the counts and the capacity at once

	@Test
	void aCancelledTaskLeavesTheQueueCountAndCapacityAtOnce() {
		TestHandlers.runner("async-task.task-worker-num=1", "async-task.queue-capacity=2",
				"async-task.when-full=reject")
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
				CountDownLatch gate = new CountDownLatch(1);
				template.dispatch(new Gated("busy", gate));
				await().atMost(WAIT).until(() -> server.stats().taskingNum() == 1);
				long first = template.dispatch(new Echo("one"));
				template.dispatch(new Echo("two"));
				assertThat(template.tryDispatch(new Echo("no room"))).isEmpty();
				assertThat(template.cancel(first)).isTrue();
				assertThat(server.stats().queuedNum()).isEqualTo(1);
				assertThat(server.stats().workers().get(0).queued()).isEqualTo(1);
				assertThat(template.tryDispatch(new Echo("three"))).as("the cancelled task's place is free").isPresent();
				assertThat(template.cancel(first)).as("cancelled once").isFalse();
				gate.countDown();
				TestHandlers handlers = context.getBean(TestHandlers.class);
				await().atMost(WAIT).until(() -> server.stats().completed() == 4);
				assertThat(handlers.echoThreads).containsOnlyKeys("two", "three");
				assertThat(server.stats().queuedNum()).isZero();
				assertThat(server.rejected()).isEqualTo(1);
			});
	}

	// 6. a batch is accepted whole or not at all

	@Test
	void aBatchThatDoesNotFitIsTakenBackWhole() {
		TestHandlers.runner("async-task.task-worker-num=1", "async-task.queue-capacity=3",
				"async-task.when-full=reject")
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
				TestHandlers handlers = context.getBean(TestHandlers.class);
				CountDownLatch gate = new CountDownLatch(1);
				template.dispatch(new Gated("busy", gate));
				await().atMost(WAIT).until(() -> server.stats().taskingNum() == 1);
				List<Counted> batch = List.of(new Counted(1), new Counted(2), new Counted(3), new Counted(4),
						new Counted(5));
				assertThatExceptionOfType(TaskRejectedException.class).isThrownBy(() -> template.submitAll(batch))
					.withMessageContaining("The batch of 5 tasks was refused whole: the 3 already queued were taken "
							+ "back and will not run.");
				assertThat(server.stats().queuedNum()).isZero();
				assertThat(template.tryDispatch(new Echo("room"))).as("the batch left no place taken").isPresent();
				gate.countDown();
				await().atMost(WAIT).until(() -> handlers.echoThreads.containsKey("room"));
				template.dispatchAndWait(new Echo("marker"), WAIT); // flush: everything queued before it ran
				assertThat(handlers.countedRuns).isEmpty();
				assertThat(server.stats().dispatched()).isEqualTo(3); // busy, room, marker
				assertThat(server.rejected()).isEqualTo(5);
				// and a batch that fits runs whole
				List<Counted> fits = batch.subList(0, 3);
				List<TaskResult<Object>> results = template.dispatchAllAndWait(fits, WAIT);
				assertThat(results).extracting(TaskResult::status).containsOnly(TaskStatus.SUCCEEDED);
				assertThat(results).extracting(TaskResult::payload).containsExactlyElementsOf(fits);
				assertThat(handlers.countedRuns).containsOnlyKeys(1, 2, 3);
			});
	}

	@Test
	void batchesReleasedWhileWorkersSetTheirTasksAsideLoseNothing() {
		TestHandlers.runner("async-task.task-worker-num=2").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
			List<Echo> batch = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				batch.add(new Echo("e" + i));
			}
			for (int round = 0; round < 400; round++) {
				// a worker that takes a held task as its batch is released must start it, not skip it
				List<TaskResult<String>> results = template.dispatchAllAndWait(batch, WAIT);
				assertThat(results).extracting(TaskResult::status).containsOnly(TaskStatus.SUCCEEDED);
			}
			await().atMost(WAIT).until(() -> server.stats().taskingNum() == 0);
			assertThat(server.stats().queuedNum()).isZero();
			assertThat(server.stats().completed()).isEqualTo(400 * 50);
		});
	}

	// 7. a producer waiting for room goes on when a slot frees, not when a task ends

	@Test
	void aBlockedProducerGoesOnAsSoonAsASlotFrees() throws Exception {
		TestHandlers.runner("async-task.task-worker-num=1", "async-task.queue-capacity=1",
				"async-task.block-timeout=60s")
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
				CountDownLatch first = new CountDownLatch(1);
				CountDownLatch second = new CountDownLatch(1);
				template.dispatch(new Gated("first", first));
				await().atMost(WAIT).until(() -> server.stats().taskingNum() == 1);
				template.dispatch(new Gated("second", second)); // fills the queue
				CountDownLatch dispatched = new CountDownLatch(1);
				Thread producer = new Thread(() -> {
					template.dispatch(new Echo("third"));
					dispatched.countDown();
				});
				producer.start();
				await().atMost(WAIT).until(() -> blockedProducers(context) == 1);
				first.countDown(); // the worker takes "second": a slot frees while "second" runs
				assertThat(dispatched.await(30, TimeUnit.SECONDS)).as("the producer went on while 'second' runs")
					.isTrue();
				assertThat(server.stats().completed()).as("'second' still runs, its gate closed").isEqualTo(1);
				second.countDown();
				await().atMost(WAIT).until(() -> server.stats().completed() == 3);
			});
	}

	// 8. shared-queue: a shared task never waits while a worker sleeps

	@Test
	void aSharedTaskDoesNotWaitBehindAPinnedTaskWhileAnotherWorkerSleeps() {
		TestHandlers.runner("async-task.task-worker-num=2", "async-task.dispatch-mode=shared-queue")
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				TestHandlers handlers = context.getBean(TestHandlers.class);
				for (int round = 0; round < 20; round++) {
					template.onWorker(0).dispatchAndWait(new Probe("w0-" + round), WAIT);
					template.onWorker(1).dispatchAndWait(new Probe("w1-" + round), WAIT);
					Thread w0 = handlers.probeThreads.get("w0-" + round);
					Thread w1 = handlers.probeThreads.get("w1-" + round);
					await().atMost(WAIT).until(() -> w0.getState() == Thread.State.WAITING
							&& w1.getState() == Thread.State.WAITING); // both parked
					CountDownLatch gate = new CountDownLatch(1);
					CompletableFuture<String> shared = template.submit(new Echo("shared-" + round));
					template.onWorker(0).dispatch(new Gated("pinned-" + round, gate));
					try {
						assertThat(shared).succeedsWithin(WAIT).isEqualTo("shared-" + round);
					}
					finally {
						gate.countDown();
					}
				}
			});
	}

	// 9. restart after a stop that left a stuck thread behind

	@Test
	void aThreadLeftBehindAtStopNeverTouchesTheWorkerAgain() throws Exception {
		TestHandlers.runner("async-task.task-worker-num=1", "async-task.shutdown-timeout=50ms",
				"async-task.queue-capacity=64")
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
				TestHandlers handlers = context.getBean(TestHandlers.class);
				CountDownLatch started = new CountDownLatch(1);
				CountDownLatch release = new CountDownLatch(1);
				CompletableFuture<String> stuck = template.submit(new Stubborn(started, release));
				assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
				ConfigurableApplicationContext source = context.getSourceApplicationContext(
						ConfigurableApplicationContext.class);
				source.stop(); // drains for 50ms, interrupts, waits 1s, leaves the stuck thread behind
				assertThatExceptionOfType(java.util.concurrent.CancellationException.class)
					.isThrownBy(() -> stuck.get(30, TimeUnit.SECONDS))
					.withMessageContaining("was still running when the task server stopped")
					.withMessageContaining("left behind");
				source.start();
				int producers = 2;
				int perProducer = 5_000;
				List<Thread> threads = new ArrayList<>();
				for (int p = 0; p < producers; p++) {
					int base = p * perProducer;
					Thread producer = new Thread(() -> {
						for (int i = 0; i < perProducer; i++) {
							template.dispatch(new Counted(base + i));
							if (base == 0 && i == perProducer / 2) {
								release.countDown(); // the left-behind thread returns midway
							}
						}
					});
					threads.add(producer);
					producer.start();
				}
				for (Thread thread : threads) {
					thread.join(TimeUnit.SECONDS.toMillis(60));
				}
				await().atMost(WAIT).until(() -> handlers.countedRuns.size() == producers * perProducer);
				await().atMost(WAIT).until(() -> server.droppedResults() == 1); // the stuck task's late result
				assertThat(handlers.countedRuns.values()).allSatisfy((runs) -> assertThat(runs.get()).isOne());
				TaskServerStats stats = server.stats();
				assertThat(stats.dispatched()).isEqualTo(1 + producers * perProducer);
				assertThat(stats.completed()).isEqualTo(1 + producers * perProducer);
				assertThat(stats.failed()).isEqualTo(1);
				assertThat(stats.queuedNum()).isZero();
				assertThat(stats.workers().get(0).processed()).isEqualTo(1 + producers * perProducer);
				assertThat(handlers.countedRuns.values().stream().mapToInt(AtomicInteger::get).sum())
					.isEqualTo(producers * perProducer);
			});
	}

	// 10. a wait that times out as the result lands

	@Test
	void aWaitThatTimesOutAsTheResultLandsNeverThrowsACompletionException() {
		TestHandlers.runner("async-task.task-worker-num=2").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			int outcomes = 0;
			for (int i = 0; i < 2_000; i++) {
				try {
					// the handler sleeps about as long as the wait: the two race
					template.dispatchAndWait(new Slow(0, i), Duration.ofNanos(20_000 + (i % 50) * 1_000));
					outcomes++;
				}
				catch (io.github.asynctask.TaskTimeoutException ex) {
					outcomes++;
				}
			}
			assertThat(outcomes).isEqualTo(2_000);
		});
	}

	// 11. times: dispatchedAt on the wall clock, runTime measured for everyone who may read it

	@Test
	void dispatchedAtIsOnTheWallClockAndRunTimeIsMeasuredForObserversToo() {
		TestHandlers.runner("async-task.task-worker-num=1").withUserConfiguration(RunTimeObserverConfig.class)
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				TestHandlers handlers = context.getBean(TestHandlers.class);
				Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
				template.dispatchAndWait(new Echo("clock"), WAIT);
				Instant after = Instant.now().plusMillis(1);
				assertThat(handlers.echoDispatchedAt.get("clock")).isBetween(before, after);
				template.dispatch(new Slow(30, 1)); // no callback, no TaskResult listener: only the observer reads
				RunTimeObserver observer = context.getBean(RunTimeObserver.class);
				await().atMost(WAIT).until(() -> observer.runTimes.containsKey("Slow"));
				assertThat(observer.runTimes.get("Slow")).isGreaterThanOrEqualTo(Duration.ofMillis(30));
			});
	}

	static class RunTimeObserver implements TaskObserver {

		final Map<String, Duration> runTimes = new ConcurrentHashMap<>();

		@Override
		public void finished(Task task) {
			this.runTimes.put(task.taskName(), task.runTime());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RunTimeObserverConfig {

		@Bean
		RunTimeObserver runTimeObserver() {
			return new RunTimeObserver();
		}

	}

	// the threads a supervisor makes carry nothing of the thread they replace

	@Test
	void aReplacementThreadInheritsNothingFromTheThreadItReplaces() {
		TestHandlers.runner("async-task.task-worker-num=1", "async-task.task-max-request=1")
			.withUserConfiguration(InheritanceProbeConfig.class)
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				InheritanceProbe probe = context.getBean(InheritanceProbe.class);
				for (int i = 0; i < 4; i++) {
					template.dispatchAndWait(new InheritanceCheck(i), WAIT);
				}
				assertThat(probe.threads).doesNotHaveDuplicates().hasSize(4);
				assertThat(probe.inherited).containsOnlyNulls();
				assertThat(probe.loaders).containsOnly(CoreEdgeCaseTests.class.getClassLoader());
				assertThat(probe.priorities).containsOnly(Thread.NORM_PRIORITY);
			});
	}

	record InheritanceCheck(int seq) {
	}

	static class InheritanceProbe {

		static final InheritableThreadLocal<String> LEAK = new InheritableThreadLocal<>();

		final List<Thread> threads = new CopyOnWriteArrayList<>();

		final List<String> inherited = new ArrayList<>();

		final List<ClassLoader> loaders = new CopyOnWriteArrayList<>();

		final List<Integer> priorities = new CopyOnWriteArrayList<>();

		@io.github.asynctask.annotation.OnTask
		synchronized void check(InheritanceCheck check) {
			this.threads.add(Thread.currentThread());
			this.inherited.add(LEAK.get());
			this.loaders.add(Thread.currentThread().getContextClassLoader());
			this.priorities.add(Thread.currentThread().getPriority());
			// a task that leaves things on its thread, which is then replaced
			LEAK.set("left by task " + check.seq());
			Thread.currentThread().setContextClassLoader(new ClassLoader(null) {
			});
			Thread.currentThread().setPriority(Thread.MIN_PRIORITY);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InheritanceProbeConfig {

		@Bean
		InheritanceProbe inheritanceProbe() {
			return new InheritanceProbe();
		}

	}

	private static int blockedProducers(AssertableApplicationContext context) {
		return context.getBean(DefaultTaskServer.class).workerPool().blockedProducers();
	}

}
