package io.github.asynctask.delay;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskServerStats;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.TaskTimeoutException;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.server.DefaultTaskServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Delayed tasks ({@code TaskTemplate.after}, {@code at}) in-process, through a real context: never before their
 * time, cancel, cost, key order, full queues at the due time, close, waits and batches.
 */
class DelayedTasksTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final Duration LONG = Duration.ofHours(1);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
		.withBean(Handlers.class)
		.withPropertyValues("async-task.task-worker-num=2");

	@Test
	void aDelayedTaskStartsNoEarlierThanItsDueTimeOnAWorkerAndIsDatedByItsDispatch() {
		this.runner.run((context) -> {
			TaskTemplate tasks = tasks(context);
			Handlers handlers = handlers(context);
			Duration delay = Duration.ofMillis(150);
			Instant wallBefore = Instant.now();
			long before = System.nanoTime();
			tasks.after(delay).dispatch(new Reminder("after"));
			Instant wallAfter = Instant.now();
			Instant when = Instant.now().plus(delay);
			tasks.at(when).dispatch(new Reminder("at"));
			await().atMost(WAIT).until(() -> handlers.started.size() == 2);

			assertThat(handlers.started.get("after") - before).isGreaterThanOrEqualTo(delay.toNanos());
			assertThat(handlers.startedAt.get("at")).isAfterOrEqualTo(when);
			assertThat(handlers.dispatchedAt.get("after")).isBetween(wallBefore.minusMillis(5), wallAfter.plusMillis(5));
			assertThat(handlers.threads.values()).allMatch((name) -> name.startsWith("async-task-worker-"));
			assertThat(stats(context).scheduledNum()).isZero();
		});
	}

	@Test
	void cancelBeforeItIsDueEndsItCancelledAtOnceAndLeavesTheCounts() {
		this.runner.run((context) -> {
			TaskTemplate tasks = tasks(context);
			CompletableFuture<TaskResult<Object>> outcome = new CompletableFuture<>();
			long id = tasks.after(LONG).dispatch(new Reminder("never"), outcome::complete);
			assertThat(stats(context).scheduledNum()).isEqualTo(1);
			assertThat(stats(context).queuedNum()).isZero();

			assertThat(tasks.cancel(id)).isTrue();
			TaskResult<Object> result = outcome.getNow(null); // delivered on the cancelling thread
			assertThat(result).isNotNull();
			assertThat(result.taskId()).isEqualTo(id);
			assertThat(result.status()).isEqualTo(TaskStatus.CANCELLED);
			assertThat(result.error()).isInstanceOf(CancellationException.class)
				.hasMessageContaining("was cancelled before it was due");
			assertThat(stats(context).scheduledNum()).isZero();
			assertThat(tasks.cancel(id)).isFalse();
			assertThat(handlers(context).started).isEmpty();
		});
	}

	@Test
	void manyCancelledAmongManyWaitingLeaveTheOthersInOrder() {
		this.runner.run((context) -> {
			TaskTemplate tasks = tasks(context);
			Handlers handlers = handlers(context);
			List<Long> ids = new ArrayList<>();
			for (int i = 0; i < 3000; i++) {
				ids.add(tasks.after(LONG.plusSeconds(i)).dispatch(new Reminder("late-" + i)));
			}
			for (int i = 0; i < 3000; i += 3) { // 2000 cancelled: the heap is compacted on the way
				assertThat(tasks.cancel(ids.get(i))).isTrue();
				assertThat(tasks.cancel(ids.get(i + 1))).isTrue();
			}
			assertThat(stats(context).scheduledNum()).isEqualTo(1000);
			for (int i = 0; i < 50; i++) {
				tasks.withKey("soon").after(Duration.ofMillis(50 - i % 5)).dispatch(new Step("soon", i));
			}
			await().atMost(WAIT).until(() -> handlers.steps.sum() == 50);
			assertThat(stats(context).scheduledNum()).isEqualTo(1000);
			for (int i = 2; i < 3000; i += 3) {
				assertThat(tasks.cancel(ids.get(i))).as("task %d", i).isTrue();
			}
			assertThat(stats(context).scheduledNum()).isZero();
			assertThat(handlers.started).isEmpty();
		});
	}

	@Test
	void cancelRacingTheHandOverToTheQueuesGivesEveryTaskExactlyOneOutcome() {
		this.runner.run((context) -> {
			TaskTemplate tasks = tasks(context);
			Handlers handlers = handlers(context);
			int threads = 4;
			int perThread = 2000;
			Map<Long, TaskResult<Object>> outcomes = new ConcurrentHashMap<>();
			Map<Long, Boolean> cancelled = new ConcurrentHashMap<>();
			LongAdder duplicates = new LongAdder();
			List<CompletableFuture<Void>> producers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int seed = t;
				producers.add(CompletableFuture.runAsync(() -> {
					java.util.Random random = new java.util.Random(seed);
					for (int i = 0; i < perThread; i++) {
						long id = tasks.after(Duration.ofNanos(random.nextInt(300_000) + 1))
							.dispatch(new Reminder("race"), (TaskResult<Object> result) -> {
								if (outcomes.putIfAbsent(result.taskId(), result) != null) {
									duplicates.increment();
								}
							});
						for (int spin = random.nextInt(50_000); spin > 0; spin--) {
							Thread.onSpinWait(); // cancel before, during or after the hand-over
						}
						cancelled.put(id, tasks.cancel(id));
					}
				}));
			}
			CompletableFuture.allOf(producers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			await().atMost(WAIT).until(() -> outcomes.size() == threads * perThread);
			assertThat(duplicates.sum()).isZero();
			assertThat(cancelled).hasSize(threads * perThread);
			cancelled.forEach((id, wasCancelled) -> assertThat(outcomes.get(id).status()).as("task %d", id)
				.isEqualTo(wasCancelled ? TaskStatus.CANCELLED : TaskStatus.SUCCEEDED));
			long succeeded = cancelled.values().stream().filter((wasCancelled) -> !wasCancelled).count();
			assertThat(stats(context).scheduledNum()).isZero();
			// a task cancelled behind the queue's back would keep its place in the queue's count for ever
			await().atMost(WAIT).until(() -> stats(context).queuedNum() == 0);
			System.out.printf("cancel raced the hand-over of %,d tasks: %,d cancelled, %,d ran%n",
					threads * perThread, threads * perThread - succeeded, succeeded);
			assertThat(handlers.started).containsKey("race");
		});
	}

	@Test
	void hundredThousandWaitingTasksTakeNoThreadEach() {
		this.runner.withPropertyValues("async-task.task-worker-num=1").run((context) -> {
			TaskTemplate later = tasks(context).after(LONG);
			later.dispatch(new Later(-1)); // starts the timer's one thread
			Set<String> threads = asyncTaskThreads();
			int threadCount = ManagementFactory.getThreadMXBean().getThreadCount();
			long heapBefore = usedHeapAfterGc();
			int n = 100_000;
			for (int i = 0; i < n; i++) {
				later.dispatch(new Later(i));
			}
			long heapAfter = usedHeapAfterGc();
			assertThat(stats(context).scheduledNum()).isEqualTo(n + 1);
			assertThat(asyncTaskThreads()).isEqualTo(threads);
			assertThat(ManagementFactory.getThreadMXBean().getThreadCount() - threadCount).isLessThan(10);
			System.out.printf("%,d delayed tasks waiting: %,d bytes of heap each (task, payload, context snapshot, "
					+ "timer entry); threads %s%n", n, (heapAfter - heapBefore) / n, threads);
			Handlers handlers = handlers(context);
			context.close();
			assertThat(handlers.laterRuns.sum()).isZero();
		});
	}

	@Test
	void tasksOfOneKeyRunInTheirOrderOnceDueEvenThroughFullQueues() {
		this.runner.withPropertyValues("async-task.queue-capacity=4", "async-task.when-full=reject")
			.run((context) -> {
				TaskTemplate tasks = tasks(context);
				Handlers handlers = handlers(context);
				TaskTemplate soon = tasks.after(Duration.ofMillis(100));
				for (int i = 0; i < 300; i++) {
					String key = "k" + (i % 3);
					soon.withKey(key).dispatch(new Step(key, i / 3));
				}
				await().atMost(WAIT).until(() -> handlers.steps.sum() == 300);
				List<Integer> expected = IntStream.range(0, 100).boxed().toList();
				for (int k = 0; k < 3; k++) {
					assertThat(handlers.stepsByKey.get("k" + k)).as("k%d", k).containsExactlyElementsOf(expected);
				}
				assertThat(server(context).rejected()).isZero();
			});
	}

	@Test
	void dueTasksThatFindTheQueuesFullWaitForRoomAndAllRunOnWorkers() {
		this.runner.withPropertyValues("async-task.task-worker-num=1", "async-task.queue-capacity=2",
				"async-task.when-full=reject").run((context) -> {
					TaskTemplate tasks = tasks(context);
					Handlers handlers = handlers(context);
					Gate gate = new Gate(new CountDownLatch(1), new CountDownLatch(1));
					tasks.dispatch(gate);
					assertThat(gate.started().await(20, TimeUnit.SECONDS)).isTrue();
					tasks.dispatch(new Step("queued", 0));
					tasks.dispatch(new Step("queued", 1));
					assertThatExceptionOfType(TaskRejectedException.class)
						.isThrownBy(() -> tasks.dispatch(new Step("queued", 2))); // the queue is full
					for (int i = 0; i < 20; i++) {
						tasks.after(Duration.ofMillis(20)).dispatch(new Step("delayed", i)); // accepted, full or not
					}
					CompletableFuture<List<TaskResult<Object>>> batch = tasks.after(Duration.ofMillis(20))
						.submitAll(List.of(new Step("batch", 0), new Step("batch", 1), new Step("batch", 2)));
					await().atMost(WAIT).until(() -> stats(context).scheduledNum() == 0); // all due now
					assertThat(stats(context).queuedNum()).isEqualTo(2 + 20 + 3); // waiting for room, none dropped
					assertThat(handlers.steps.sum()).isZero();

					gate.release().countDown();
					await().atMost(WAIT).until(() -> handlers.steps.sum() == 25);
					assertThat(handlers.stepsByKey.get("delayed"))
						.containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
					assertThat(batch.get(20, TimeUnit.SECONDS)).extracting(TaskResult::status)
						.containsOnly(TaskStatus.SUCCEEDED);
					assertThat(handlers.threads.values()).allMatch((name) -> name.startsWith("async-task-worker-"));
					assertThat(server(context).rejected()).isEqualTo(1); // the immediate one only
					assertThat(stats(context).queuedNum()).isZero();
				});
	}

	@Test
	void dueTasksKeepTheirTaskNamesMaxConcurrency() {
		this.runner.withPropertyValues("async-task.tasks.Solo.max-concurrency=1").run((context) -> {
			Handlers handlers = handlers(context);
			TaskTemplate soon = tasks(context).after(Duration.ofMillis(30));
			for (int i = 0; i < 20; i++) {
				soon.dispatch(new Solo(i));
			}
			await().atMost(WAIT).until(() -> handlers.soloRuns.sum() == 20);
			assertThat(handlers.soloMaxConcurrent.get()).isEqualTo(1);
		});
	}

	@Test
	void closeEndsTheTasksNotYetDueCancelledAtOnceWithoutWaitingForThem() throws Exception {
		this.runner.withPropertyValues("async-task.shutdown-timeout=10m").run((context) -> {
			TaskTemplate tasks = tasks(context);
			Handlers handlers = handlers(context);
			List<TaskResult<Object>> outcomes = new CopyOnWriteArrayList<>();
			for (int i = 0; i < 10; i++) {
				tasks.after(LONG).dispatch(new Reminder("r" + i), outcomes::add);
			}
			CompletableFuture<List<TaskResult<Object>>> batch = tasks.after(LONG)
				.submitAll(List.of(new Reminder("b0"), new Reminder("b1")));
			// a drain that waited for them would take the 10 minutes of shutdown-timeout
			CompletableFuture.runAsync(context::close).get(60, TimeUnit.SECONDS);
			assertThat(outcomes).hasSize(10).allSatisfy((result) -> {
				assertThat(result.status()).isEqualTo(TaskStatus.CANCELLED);
				assertThat(result.error()).hasMessageContaining("was not yet due when the task server stopped");
			});
			assertThat(batch.getNow(null)).extracting(TaskResult::status).containsExactly(TaskStatus.CANCELLED,
					TaskStatus.CANCELLED);
			assertThat(handlers.started).isEmpty();
			assertThatExceptionOfType(TaskRejectedException.class)
				.isThrownBy(() -> tasks.after(LONG).dispatch(new Reminder("after close")));
		});
	}

	@Test
	void dispatchAndWaitCountsItsTimeoutFromTheCall() {
		this.runner.run((context) -> {
			TaskTemplate tasks = tasks(context);
			assertThatExceptionOfType(TaskTimeoutException.class)
				.isThrownBy(() -> tasks.after(Duration.ofSeconds(5)).dispatchAndWait(new Reminder("late"),
						Duration.ofMillis(100)));
			assertThat(tasks.after(Duration.ofMillis(50)).<String>dispatchAndWait(new Reminder("soon"), WAIT))
				.isEqualTo("soon");
			List<TaskResult<String>> all = tasks.after(Duration.ofMillis(50))
				.dispatchAllAndWait(List.of(new Reminder("b0"), new Reminder("b1")), WAIT);
			assertThat(all).extracting(TaskResult::value).containsExactly("b0", "b1");
			List<TaskResult<String>> late = tasks.after(Duration.ofSeconds(5))
				.dispatchAllAndWait(List.of(new Reminder("l0"), new Reminder("l1")), Duration.ofMillis(100));
			assertThat(late).extracting(TaskResult::status).containsExactly(TaskStatus.TIMED_OUT,
					TaskStatus.TIMED_OUT);
		});
	}

	@Test
	void aNegativeDelayOrAPastInstantMeansNow() {
		this.runner.withPropertyValues("async-task.task-worker-num=1").run((context) -> {
			TaskTemplate tasks = tasks(context);
			Handlers handlers = handlers(context);
			Gate gate = new Gate(new CountDownLatch(1), new CountDownLatch(1));
			tasks.dispatch(gate);
			assertThat(gate.started().await(20, TimeUnit.SECONDS)).isTrue();
			tasks.withKey("now").after(Duration.ofSeconds(-1)).dispatch(new Step("now", 0));
			tasks.withKey("now").at(Instant.now().minusSeconds(60)).dispatch(new Step("now", 1));
			tasks.withKey("now").after(Duration.ZERO).dispatch(new Step("now", 2));
			tasks.withKey("now").dispatch(new Step("now", 3));
			// in the worker's queue at once, never on the timer
			assertThat(stats(context).queuedNum()).isEqualTo(4);
			assertThat(stats(context).scheduledNum()).isZero();
			gate.release().countDown();
			await().atMost(WAIT).until(() -> handlers.steps.sum() == 4);
			assertThat(handlers.stepsByKey.get("now")).containsExactly(0, 1, 2, 3);
		});
	}

	@Test
	void viewsCombineAndKeepTheirDelay() {
		this.runner.run((context) -> {
			TaskTemplate tasks = tasks(context);
			Handlers handlers = handlers(context);
			TaskTemplate later = tasks.after(LONG);
			assertThat(later.named("Reminder").withKey("k").onWorker(1).toString()).contains("after PT1H");
			later.named("Reminder").dispatch(new Reminder("named"));
			later.withKey("k").dispatch(new Reminder("keyed"));
			later.onWorker(1).dispatch(new Reminder("pinned"));
			assertThat(later.tryDispatch(new Reminder("tried"))).isPresent();
			assertThat(stats(context).scheduledNum()).isEqualTo(4);
			assertThat(tasks.withKey("k").after(Duration.ofMillis(10)).<String>dispatchAndWait(new Reminder("k2"),
					WAIT)).isEqualTo("k2");
			assertThat(stats(context).scheduledNum()).isEqualTo(4);
			assertThat(handlers.started.keySet()).containsExactly("k2");
			assertThatIllegalArgumentException().isThrownBy(() -> tasks.after(Duration.ofDays(365L * 200)))
				.withMessageContaining("after(PT1752000H)")
				.withMessageContaining("longer than the longest supported, 36500 days");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> tasks.at(Instant.now().plus(Duration.ofDays(365L * 200))).dispatch(
						new Reminder("far")))
				.withMessageContaining("longer than the longest supported");
		});
	}

	@Test
	void inlineModeRefusesADelayedDispatchNamingTheProperty() {
		this.runner.withPropertyValues("async-task.inline=true").run((context) -> {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> tasks(context).after(Duration.ofSeconds(1)).dispatch(new Reminder("inline")))
				.withMessageContaining("Task 'Reminder' cannot be delayed (after/at) with async-task.inline=true")
				.withMessageContaining("Set async-task.inline=false");
			assertThat(server(context).rejected()).isZero();
			assertThat(stats(context).dispatched()).isZero();
		});
	}

	private static Set<String> asyncTaskThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.map(Thread::getName)
			.filter((name) -> name.startsWith("async-task"))
			.collect(Collectors.toSet());
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static TaskTemplate tasks(AssertableApplicationContext context) {
		return context.getBean(TaskTemplate.class);
	}

	private static Handlers handlers(AssertableApplicationContext context) {
		return context.getBean(Handlers.class);
	}

	private static DefaultTaskServer server(AssertableApplicationContext context) {
		return context.getBean(DefaultTaskServer.class);
	}

	private static TaskServerStats stats(AssertableApplicationContext context) {
		return server(context).stats();
	}

	record Reminder(String text) {
	}

	record Step(String key, int seq) {
	}

	record Later(int seq) {
	}

	record Gate(CountDownLatch started, CountDownLatch release) {
	}

	record Solo(int seq) {
	}

	static class Handlers {

		final Map<String, Long> started = new ConcurrentHashMap<>();

		final Map<String, Instant> startedAt = new ConcurrentHashMap<>();

		final Map<String, Instant> dispatchedAt = new ConcurrentHashMap<>();

		final Map<String, String> threads = new ConcurrentHashMap<>();

		final Map<String, Queue<Integer>> stepsByKey = new ConcurrentHashMap<>();

		final LongAdder steps = new LongAdder();

		final LongAdder laterRuns = new LongAdder();

		final AtomicInteger soloRunning = new AtomicInteger();

		final AtomicInteger soloMaxConcurrent = new AtomicInteger();

		final LongAdder soloRuns = new LongAdder();

		@OnTask
		String reminder(Reminder reminder, TaskContext context) {
			this.started.put(reminder.text(), System.nanoTime());
			this.startedAt.put(reminder.text(), Instant.now());
			this.dispatchedAt.put(reminder.text(), context.dispatchedAt());
			this.threads.put(reminder.text(), Thread.currentThread().getName());
			return reminder.text();
		}

		@OnTask
		void step(Step step) {
			this.threads.put(step.key() + step.seq(), Thread.currentThread().getName());
			this.stepsByKey.computeIfAbsent(step.key(), (key) -> new ConcurrentLinkedQueue<>()).add(step.seq());
			this.steps.increment();
		}

		@OnTask
		void later(Later later) {
			this.laterRuns.increment();
		}

		@OnTask
		void solo(Solo solo) throws InterruptedException {
			int now = this.soloRunning.incrementAndGet();
			this.soloMaxConcurrent.accumulateAndGet(now, Math::max);
			Thread.sleep(5); // plays work, long enough for a second worker to start another if it may
			this.soloRunning.decrementAndGet();
			this.soloRuns.increment();
		}

		@OnTask
		String gate(Gate gate) throws InterruptedException {
			gate.started().countDown();
			if (!gate.release().await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("gate never opened");
			}
			return "opened";
		}

	}

}
