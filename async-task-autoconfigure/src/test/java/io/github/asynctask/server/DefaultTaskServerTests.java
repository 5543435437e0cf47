package io.github.asynctask.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskServerStats;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.WorkerStats;
import io.github.asynctask.server.TestHandlers.Echo;
import io.github.asynctask.server.TestHandlers.Gated;
import io.github.asynctask.server.TestHandlers.Slow;
import io.github.asynctask.server.TestHandlers.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The task server under load, full queues and shutdown.
 */
class DefaultTaskServerTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void oneWorkerRunsItsTasksInDispatchOrder() {
		TestHandlers.runner("async-task.task-worker-num=1").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			TestHandlers handlers = context.getBean(TestHandlers.class);
			template.dispatch(new Slow(200, 0));
			for (int i = 1; i < 2048; i++) {
				template.dispatch(new Slow(0, i));
			}
			await().atMost(WAIT).until(() -> handlers.slowOrder.size() == 2048);
			assertThat(new ArrayList<>(handlers.slowOrder)).containsExactlyElementsOf(
					IntStream.range(0, 2048).boxed().toList());
			TaskServerStats stats = context.getBean(DefaultTaskServer.class).stats();
			assertThat(stats.dispatched()).isEqualTo(2048);
			assertThat(stats.completed()).isEqualTo(2048);
			assertThat(context.getBean(DefaultTaskServer.class).rejected()).isZero();
		});
	}

	@Test
	void tasksOfOneKeyKeepTheirOrderAcrossWorkersAndProducers() throws Exception {
		TestHandlers.runner("async-task.task-worker-num=4").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			TestHandlers handlers = context.getBean(TestHandlers.class);
			int producers = 8;
			int perKey = 2_000;
			ExecutorService pool = Executors.newFixedThreadPool(producers);
			try {
				List<Future<?>> futures = new ArrayList<>();
				for (int p = 0; p < producers; p++) {
					String key = "key-" + p;
					futures.add(pool.submit(() -> {
						TaskTemplate keyed = template.withKey(key);
						for (int i = 0; i < perKey; i++) {
							keyed.dispatch(new Step(key, i));
						}
					}));
				}
				for (Future<?> future : futures) {
					future.get(30, TimeUnit.SECONDS);
				}
			}
			finally {
				pool.shutdown();
			}
			await().atMost(WAIT).until(() -> handlers.steps.sum() == (long) producers * perKey);
			List<Integer> expected = IntStream.range(0, perKey).boxed().toList();
			assertThat(handlers.stepsByKey).hasSize(producers);
			for (Queue<Integer> seqs : handlers.stepsByKey.values()) {
				assertThat(new ArrayList<>(seqs)).containsExactlyElementsOf(expected);
			}
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "idle-first", "round-robin", "shared-queue" })
	void twoHundredThousandTasksFromEightThreadsRunExactlyOnceAndAreCountedExactly(String mode) {
		TestHandlers.runner("async-task.task-worker-num=4", "async-task.dispatch-mode=" + mode)
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				TestHandlers handlers = context.getBean(TestHandlers.class);
				DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
				int producers = 8;
				int perProducer = 25_000;
				int total = producers * perProducer;
				AtomicInteger seq = new AtomicInteger();
				ExecutorService pool = Executors.newFixedThreadPool(producers);
				try {
					List<Future<?>> futures = new ArrayList<>();
					for (int p = 0; p < producers; p++) {
						futures.add(pool.submit(() -> {
							for (int i = 0; i < perProducer; i++) {
								template.dispatch(new Step("all", seq.getAndIncrement()));
							}
						}));
					}
					for (Future<?> future : futures) {
						future.get(60, TimeUnit.SECONDS);
					}
				}
				finally {
					pool.shutdown();
				}
				await().atMost(WAIT).until(() -> server.stats().completed() == total);
				assertThat(handlers.steps.sum()).isEqualTo(total);
				assertThat(handlers.stepsByKey.get("all")).hasSize(total).doesNotHaveDuplicates();
				TaskServerStats stats = server.stats();
				assertThat(stats.dispatched()).isEqualTo(total);
				assertThat(stats.completed()).isEqualTo(total);
				assertThat(stats.failed()).isZero();
				assertThat(stats.queuedNum()).isZero();
				assertThat(stats.taskingNum()).isZero();
				assertThat(stats.idleWorkerNum()).isEqualTo(4);
				assertThat(stats.workers()).extracting(WorkerStats::processed)
					.satisfies((counts) -> assertThat(counts.stream().mapToLong(Long::longValue).sum())
						.isEqualTo(total));
			});
	}

	@Test
	void idleFirstSpreadsABurstOfSlowTasksEvenly() {
		TestHandlers.runner("async-task.task-worker-num=4").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			TestHandlers handlers = context.getBean(TestHandlers.class);
			for (int i = 0; i < 40; i++) {
				template.dispatch(new Slow(50, i));
			}
			await().atMost(WAIT).until(() -> handlers.slowOrder.size() == 40);
			assertThat(handlers.slowByWorker).hasSize(4);
			assertThat(handlers.slowByWorker.values()).allSatisfy((count) -> assertThat(count.get()).isBetween(8, 12));
		});
	}

	@Test
	void statsCountRunningQueuedIdleAndFailed() {
		TestHandlers.runner("async-task.task-worker-num=2").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
			CountDownLatch gate = new CountDownLatch(1);
			template.onWorker(0).dispatch(new Gated("a", gate));
			template.onWorker(0).dispatch(new Gated("b", gate));
			template.onWorker(0).dispatch(new Gated("c", gate));
			await().atMost(WAIT).until(() -> server.stats().taskingNum() == 1);
			TaskServerStats stats = server.stats();
			assertThat(stats.dispatched()).isEqualTo(3);
			assertThat(stats.queuedNum()).isEqualTo(2);
			assertThat(stats.idleWorkerNum()).isEqualTo(1);
			assertThat(stats.workers().get(0).busy()).isTrue();
			assertThat(stats.workers().get(0).queued()).isEqualTo(2);
			assertThat(stats.workers().get(1).busy()).isFalse();
			gate.countDown();
			template.submit(new TestHandlers.Boom("x"));
			await().atMost(WAIT).until(() -> server.stats().completed() == 4);
			assertThat(server.stats().failed()).isEqualTo(1);
			// a task counts as running until its outcome has been delivered
			await().atMost(WAIT).until(() -> server.stats().taskingNum() == 0);
		});
	}

	@Test
	void rejectPolicyThrowsAtOnceAndTryDispatchReturnsEmpty() {
		TestHandlers.runner("async-task.task-worker-num=1", "async-task.queue-capacity=2",
				"async-task.when-full=reject")
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
				CountDownLatch gate = new CountDownLatch(1);
				template.dispatch(new Gated("running", gate));
				await().atMost(WAIT).until(() -> server.stats().taskingNum() == 1);
				template.dispatch(new Gated("q1", gate));
				template.dispatch(new Gated("q2", gate));
				assertThatExceptionOfType(TaskRejectedException.class)
					.isThrownBy(() -> template.dispatch(new Echo("too many")))
					.withMessage("Task 'Echo' rejected: every worker's queue is full (1 x 2 tasks) "
							+ "(async-task.when-full=reject). Raise async-task.queue-capacity or "
							+ "async-task.task-worker-num, or set async-task.when-full to block or caller-runs.");
				assertThat(template.tryDispatch(new Echo("try"))).isEmpty();
				assertThat(server.stats().dispatched()).isEqualTo(3);
				assertThat(server.rejected()).isEqualTo(2);
				gate.countDown();
				await().atMost(WAIT).until(() -> server.stats().completed() == 3);
				assertThat(template.tryDispatch(new Echo("room again"))).isPresent();
			});
	}

	@Test
	void blockPolicyWaitsForRoom() throws Exception {
		TestHandlers.runner("async-task.task-worker-num=1", "async-task.queue-capacity=1",
				"async-task.block-timeout=20s")
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
				CountDownLatch gate = new CountDownLatch(1);
				template.dispatch(new Gated("running", gate));
				await().atMost(WAIT).until(() -> server.stats().taskingNum() == 1);
				template.dispatch(new Gated("queued", gate));
				CompletableFuture<Long> blocked = CompletableFuture.supplyAsync(() -> template.dispatch(new Echo("b")));
				await().atMost(WAIT).until(() -> blockedThreads(server) == 1);
				assertThat(blocked).isNotDone();
				gate.countDown();
				assertThat(blocked.get(20, TimeUnit.SECONDS)).isPositive();
				await().atMost(WAIT).until(() -> context.getBean(TestHandlers.class).finished.contains("b"));
				assertThat(server.rejected()).isZero();
			});
	}

	@Test
	void blockPolicyRejectsAfterBlockTimeout() {
		TestHandlers.runner("async-task.task-worker-num=1", "async-task.queue-capacity=1",
				"async-task.block-timeout=100ms")
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				CountDownLatch gate = new CountDownLatch(1);
				template.dispatch(new Gated("running", gate));
				await().atMost(WAIT)
					.until(() -> context.getBean(DefaultTaskServer.class).stats().taskingNum() == 1);
				template.dispatch(new Gated("queued", gate));
				assertThatExceptionOfType(TaskRejectedException.class)
					.isThrownBy(() -> template.dispatch(new Echo("late")))
					.withMessageContaining("stayed full for async-task.block-timeout (100ms)")
					.withMessageContaining("Raise async-task.queue-capacity");
				gate.countDown();
			});
	}

	@Test
	void callerRunsPolicyRunsTheTaskAndItsListenersOnTheCaller() {
		TestHandlers.runner("async-task.task-worker-num=1", "async-task.queue-capacity=1",
				"async-task.when-full=caller-runs")
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				TestHandlers handlers = context.getBean(TestHandlers.class);
				DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
				CountDownLatch gate = new CountDownLatch(1);
				template.dispatch(new Gated("running", gate));
				await().atMost(WAIT).until(() -> server.stats().taskingNum() == 1);
				template.dispatch(new Gated("queued", gate));
				String caller = Thread.currentThread().getName();
				template.dispatch(new Echo("on caller"));
				assertThat(handlers.echoThreads).containsEntry("on caller", caller);
				assertThat(handlers.finished).containsExactly("on caller");
				assertThat(handlers.finishThreads).containsExactly(caller);
				// tryDispatch never runs on the caller
				assertThat(template.tryDispatch(new Echo("try"))).isEmpty();
				gate.countDown();
				await().atMost(WAIT).until(() -> server.stats().completed() == 3);
			});
	}

	@Test
	void closeDrainsQueuedAndRunningTasks() {
		List<TaskResult<?>> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
		ApplicationContextRunner runner = TestHandlers.runner("async-task.task-worker-num=2");
		runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			for (int i = 0; i < 20; i++) {
				template.dispatch(new Slow(10, i), outcomes::add);
			}
		});
		// run(...) closed the context: every task finished before close returned
		assertThat(outcomes).hasSize(20).allSatisfy((r) -> assertThat(r.status()).isEqualTo(TaskStatus.SUCCEEDED));
	}

	@Test
	void tasksStillQueuedAfterShutdownTimeoutEndCancelled() {
		List<TaskResult<?>> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
		CountDownLatch gate = new CountDownLatch(1);
		TestHandlers.runner("async-task.task-worker-num=1", "async-task.shutdown-timeout=200ms").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			template.dispatch(new Gated("stuck", gate), outcomes::add);
			await().atMost(WAIT).until(() -> context.getBean(DefaultTaskServer.class).stats().taskingNum() == 1);
			for (int i = 0; i < 5; i++) {
				template.dispatch(new Echo("never " + i), outcomes::add);
			}
		});
		// the running task was interrupted (its latch wait throws), the five queued ones were cancelled
		assertThat(outcomes).hasSize(6);
		assertThat(outcomes).filteredOn((r) -> r.status() == TaskStatus.CANCELLED).hasSize(5)
			.allSatisfy((r) -> assertThat(r.error()).hasMessageContaining("was still queued when the task server"
					+ " stopped"));
		assertThat(outcomes).filteredOn((r) -> r.taskName().equals("Gated")).singleElement()
			.satisfies((r) -> assertThat(r.error()).isInstanceOf(InterruptedException.class));
	}

	@Test
	void dispatchAfterCloseIsRejected() {
		TestHandlers.runner().run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			((ConfigurableApplicationContext) context.getSourceApplicationContext()).close();
			assertThatExceptionOfType(TaskRejectedException.class).isThrownBy(() -> template.dispatch(new Echo("x")))
				.withMessage("Task 'Echo' rejected: the task server is stopped and accepts no new tasks.");
			assertThatExceptionOfType(TaskRejectedException.class)
				.isThrownBy(() -> template.tryDispatch(new Echo("y")));
		});
	}

	@Test
	@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
	void saysWhatStartedAndWhatADrainWaitsFor(org.springframework.boot.test.system.CapturedOutput output) {
		TestHandlers.runner("async-task.task-worker-num=3", "async-task.queue-capacity=500",
				"async-task.dispatch-mode=round-robin", "async-task.shutdown-timeout=20s")
			.run((context) -> {
				assertThat(output).contains("Task server started: 3 task workers (async-task-worker-0..2), "
						+ "dispatch-mode round-robin, queue capacity 500 per worker, when-full block, transport local");
				TaskTemplate template = context.getBean(TaskTemplate.class);
				CountDownLatch gate = new CountDownLatch(1);
				template.onWorker(0).dispatch(new Gated("running", gate));
				await().atMost(WAIT).until(() -> context.getBean(DefaultTaskServer.class).stats().taskingNum() == 1);
				template.onWorker(0).dispatch(new Echo("queued"));
				Thread opener = new Thread(() -> {
					await().atMost(WAIT).until(() -> output.toString().contains("Task server stopping"));
					gate.countDown();
				});
				opener.start();
				context.getSourceApplicationContext(ConfigurableApplicationContext.class).close();
				assertThat(output).contains("Task server stopping: draining 1 queued and 1 running task(s) for at "
						+ "most 20000ms (async-task.shutdown-timeout)");
				assertThat(output).doesNotContain("still draining");
			});
	}

	@Test
	void aStoppedContextThatIsStartedAgainRunsTasksAgain() {
		// the test context cache pauses (stops) and resumes (starts) cached contexts
		TestHandlers.runner("async-task.task-worker-num=2").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			assertThat(template.<String>dispatchAndWait(new Echo("before"), WAIT)).isEqualTo("before");
			context.getSourceApplicationContext(ConfigurableApplicationContext.class).stop();
			assertThatExceptionOfType(TaskRejectedException.class).isThrownBy(() -> template.dispatch(new Echo("x")));
			context.getSourceApplicationContext(ConfigurableApplicationContext.class).start();
			assertThat(template.<String>dispatchAndWait(new Echo("after"), WAIT)).isEqualTo("after");
			assertThat(context.getBean(DefaultTaskServer.class).stats().completed()).isEqualTo(2);
		});
	}

	@Test
	void taskMaxRequestReplacesTheWorkerThread() {
		TestHandlers.runner("async-task.task-worker-num=1", "async-task.task-max-request=10").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			for (int i = 0; i < 35; i++) {
				template.dispatchAndWait(new Echo("m" + i), WAIT);
			}
			WorkerStats worker = context.getBean(DefaultTaskServer.class).stats().workers().get(0);
			assertThat(worker.restarts()).as("10 tasks plus a random grace of up to 5 per thread").isBetween(2, 3);
			assertThat(worker.processed()).isEqualTo(35);
			assertThat(context.getBean(TestHandlers.class).echoThreads.values()).containsOnly("async-task-worker-0");
		});
	}

	private static int blockedThreads(DefaultTaskServer server) {
		return server.workerPool().blockedProducers();
	}

}
