package io.github.asynctask.execution;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.TaskTimeoutException;
import io.github.asynctask.WorkerStats;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.handler.TaskHandlerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Timeouts: the attempt ends {@code TIMED_OUT} and its thread is interrupted; a handler that ignores the interrupt
 * is abandoned after {@code timeout-grace} and its worker serves again on a fresh thread; the late result is
 * dropped and counted; a timed-out attempt is retried while retries remain.
 */
@ExtendWith(OutputCaptureExtension.class)
class TimeoutTests {

	static final Duration WAIT = Duration.ofSeconds(20);

	static final Duration GRACE = Duration.ofMillis(300);

	ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
			.withPropertyValues("async-task.task-worker-num=1", "async-task.timeout-grace=" + GRACE.toMillis() + "ms")
			.withBean(Slow.class, Slow::new);
	}

	@Test
	void anInterruptibleHandlerPastItsTimeoutEndsTimedOutAndIsInterrupted() {
		runner().run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Slow slow = context.getBean(Slow.class);
			CompletableFuture<String> future = template.submit(new Sleepy("a"));
			assertThat(future).failsWithin(WAIT)
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.withCauseInstanceOf(TaskTimeoutException.class);
			assertThat(slow.interrupted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			// the same worker thread goes on: it let the interrupt end the handler
			assertThat(template.<String>dispatchAndWait(new Quick("b"), WAIT)).isEqualTo("b");
			assertThat(restarts(context)).isZero();
		});
	}

	@Test
	void theTimedOutResultCarriesATimeoutErrorAndOneAttempt() {
		runner().run((context) -> {
			TaskResult<String> result = context.getBean(TaskTemplate.class)
				.<String>dispatchAllAndWait(List.of(new Sleepy("c")), WAIT)
				.get(0);
			assertThat(result.status()).isEqualTo(TaskStatus.TIMED_OUT);
			assertThat(result.attempts()).isEqualTo(1);
			assertThat(result.error()).isInstanceOf(TaskTimeoutException.class)
				.hasMessageContaining("Sleepy")
				.hasMessageContaining("200ms");
		});
	}

	@Test
	void aTimedOutAttemptIsRetriedWhileRetriesRemain() {
		runner().run((context) -> {
			Slow slow = context.getBean(Slow.class);
			TaskResult<String> result = context.getBean(TaskTemplate.class)
				.<String>dispatchAllAndWait(List.of(new SleepyTwice("d")), WAIT)
				.get(0);
			assertThat(result.status()).isEqualTo(TaskStatus.SUCCEEDED);
			assertThat(result.value()).isEqualTo("d on attempt 2");
			assertThat(result.attempts()).isEqualTo(2);
			assertThat(slow.attempts).containsExactly(1, 2);
		});
	}

	@Test
	void aHandlerIgnoringTheInterruptIsAbandonedAndItsWorkerServesAgainOnAFreshThread(CapturedOutput output) {
		runner().run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Slow slow = context.getBean(Slow.class);
			List<TaskResult<Object>> outcomes = new CopyOnWriteArrayList<>();
			template.dispatch(new Stubborn("e"), outcomes::add);
			assertThat(slow.stubbornStarted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			await().atMost(WAIT).until(() -> outcomes.size() == 1);
			assertThat(outcomes.get(0).status()).isEqualTo(TaskStatus.TIMED_OUT);
			// one worker, its thread still stuck in the handler: the next task runs on a fresh thread
			assertThat(template.<String>dispatchAndWait(new Quick("f"), GRACE.plus(Duration.ofSeconds(10))))
				.isEqualTo("f");
			assertThat(slow.stubbornThread).isNotNull();
			assertThat(slow.quickThreads).doesNotContain(slow.stubbornThread);
			assertThat(slow.stubbornThread.isAlive()).isTrue();
			await().atMost(WAIT).until(() -> restarts(context) == 1);
			await().atMost(WAIT).until(() -> output.toString().contains("ignored the interrupt"));
			assertThat(output).contains("WARN").contains("Stubborn").contains(Slow.class.getName() + ".stubborn");
			// its late success is dropped and counted; the outcome stays TIMED_OUT
			slow.release.countDown();
			await().atMost(WAIT)
				.until(() -> context.getBean(TaskHandlerRegistry.class)
					.handler("Stubborn")
					.counters()
					.droppedResultsCount() == 1);
			assertThat(template.<String>dispatchAndWait(new Quick("g"), WAIT)).isEqualTo("g");
			assertThat(outcomes).hasSize(1);
			assertThat(outcomes.get(0).status()).isEqualTo(TaskStatus.TIMED_OUT);
			assertThat(slow.stubbornReturned.get()).isEqualTo(1);
		});
	}

	/**
	 * The fault of issue 14: a stuck first attempt is left behind, the retry runs on the worker's fresh thread, and
	 * the old thread comes back while the retry runs. It must not take the worker from the fresh thread (the retry is
	 * the same task, so a handshake keyed by the task could not tell them apart): the worker keeps serving and every
	 * later task gets its outcome.
	 */
	@Test
	void aStuckThreadThatComesBackWhileItsTaskIsRetriedLeavesTheWorkerServing() {
		runner().run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Slow slow = context.getBean(Slow.class);
			List<TaskResult<Object>> outcomes = new CopyOnWriteArrayList<>();
			template.dispatch(new StubbornOnce("h"), outcomes::add);
			await().atMost(WAIT).until(() -> outcomes.size() == 1);
			assertThat(slow.stubbornOnceThreads).hasSize(2);
			assertThat(slow.stubbornOnceThreads.get(1)).isNotSameAs(slow.stubbornOnceThreads.get(0));
			assertThat(outcomes.get(0).attempts()).isEqualTo(2);
			List<TaskResult<Object>> later = new CopyOnWriteArrayList<>();
			for (int i = 0; i < 3; i++) {
				assertThat(template.<String>dispatchAndWait(new Quick("after-" + i), WAIT)).isEqualTo("after-" + i);
				template.dispatch(new Quick("queued-" + i), later::add);
			}
			await().atMost(WAIT).until(() -> later.size() == 3);
			assertThat(later).extracting(TaskResult::value)
				.containsExactlyInAnyOrder("queued-0", "queued-1", "queued-2");
		});
	}

	@Test
	void aSlowListenerOfATimedOutTaskDelaysNoOtherTasksTimeout() {
		runner().withPropertyValues("async-task.task-worker-num=2").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			CountDownLatch listenerIn = new CountDownLatch(1);
			CountDownLatch listenerRelease = new CountDownLatch(1);
			List<String> listenerThreads = new CopyOnWriteArrayList<>();
			template.onWorker(0).dispatch(new Sleepy("x"), (result) -> {
				listenerThreads.add(Thread.currentThread().getName());
				listenerIn.countDown();
				awaitQuietly(listenerRelease);
			});
			assertThat(listenerIn.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			// the first task's listener is still running: the second task times out all the same
			CompletableFuture<String> other = template.onWorker(1).submit(new Sleepy("y"));
			assertThat(other).failsWithin(WAIT)
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.withCauseInstanceOf(TaskTimeoutException.class);
			assertThat(listenerIn.getCount()).isZero();
			listenerRelease.countDown();
			assertThat(listenerThreads).singleElement().asString().startsWith("async-task-worker-0");
		});
	}

	@Test
	void theTimeoutsInterruptNeverLandsInTheWorkersNextTask() {
		runner().run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Slow slow = context.getBean(Slow.class);
			List<TaskResult<Object>> outcomes = new CopyOnWriteArrayList<>();
			// the handler returns as soon as its outcome's delivery starts; the delivery waits for the next task
			template.dispatch(new Racing("r"), (result) -> {
				outcomes.add(result);
				slow.racingDelivered.countDown();
				awaitQuietly(slow.nextStarted, Duration.ofSeconds(1));
			});
			assertThat(template.<String>dispatchAndWait(new Next("n"), WAIT)).isEqualTo("n ran uninterrupted");
			await().atMost(WAIT).until(() -> outcomes.size() == 1);
			assertThat(outcomes.get(0).status()).isEqualTo(TaskStatus.TIMED_OUT);
		});
	}

	private static void awaitQuietly(CountDownLatch latch) {
		awaitQuietly(latch, WAIT);
	}

	private static void awaitQuietly(CountDownLatch latch, Duration wait) {
		try {
			latch.await(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int restarts(org.springframework.context.ApplicationContext context) {
		return context.getBean(TaskServer.class).stats().workers().stream().mapToInt(WorkerStats::restarts).sum();
	}

	record Sleepy(String id) {
	}

	record SleepyTwice(String id) {
	}

	record Stubborn(String id) {
	}

	record Quick(String id) {
	}

	record StubbornOnce(String id) {
	}

	record Racing(String id) {
	}

	record Next(String id) {
	}

	static class Slow {

		final CountDownLatch interrupted = new CountDownLatch(1);

		final CountDownLatch stubbornStarted = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger stubbornReturned = new AtomicInteger();

		final List<Integer> attempts = new CopyOnWriteArrayList<>();

		final List<Thread> quickThreads = new CopyOnWriteArrayList<>();

		volatile Thread stubbornThread;

		final List<Thread> stubbornOnceThreads = new CopyOnWriteArrayList<>();

		final CountDownLatch releaseFirst = new CountDownLatch(1);

		final CountDownLatch racingDelivered = new CountDownLatch(1);

		final CountDownLatch nextStarted = new CountDownLatch(1);

		@OnTask(timeout = "200ms")
		String sleepy(Sleepy task) {
			try {
				Thread.sleep(Duration.ofMinutes(1).toMillis());
			}
			catch (InterruptedException ex) {
				this.interrupted.countDown();
				Thread.currentThread().interrupt();
			}
			return task.id();
		}

		@OnTask(timeout = "200ms", retries = 1, backoff = "10ms")
		String sleepyTwice(SleepyTwice task, TaskContext context) throws InterruptedException {
			this.attempts.add(context.attempt());
			if (context.attempt() == 1) {
				Thread.sleep(Duration.ofMinutes(1).toMillis());
			}
			return task.id() + " on attempt " + context.attempt();
		}

		@OnTask(timeout = "200ms")
		String stubborn(Stubborn task) {
			this.stubbornThread = Thread.currentThread();
			this.stubbornStarted.countDown();
			while (true) {
				try {
					if (this.release.await(1, TimeUnit.MINUTES)) {
						break;
					}
				}
				catch (InterruptedException ex) {
					// ignores the interrupt: plays a handler stuck in code that does not answer it
				}
			}
			this.stubbornReturned.incrementAndGet();
			return task.id();
		}

		/**
		 * The first attempt ignores its interrupt until the second one, on the worker's fresh thread, lets it go;
		 * the second then waits until the first attempt's thread has ended, so that it comes back during the retry.
		 */
		@OnTask(timeout = "3s", retries = 1, backoff = "10ms")
		String stubbornOnce(StubbornOnce task, TaskContext context) throws InterruptedException {
			this.stubbornOnceThreads.add(Thread.currentThread());
			if (context.attempt() == 1) {
				boolean released = false;
				while (!released) {
					try {
						released = this.releaseFirst.await(1, TimeUnit.MINUTES);
					}
					catch (InterruptedException ex) {
						// ignores the interrupt: plays a handler stuck in code that does not answer it
					}
				}
				return "first";
			}
			this.releaseFirst.countDown();
			this.stubbornOnceThreads.get(0).join(2500);
			return "second";
		}

		/** Runs past its timeout until its outcome's delivery has started (or its interrupt comes). */
		@OnTask(timeout = "200ms")
		String racing(Racing task) throws InterruptedException {
			this.racingDelivered.await(1, TimeUnit.MINUTES);
			return task.id();
		}

		@OnTask
		String next(Next task) {
			this.nextStarted.countDown();
			try {
				Thread.sleep(300);
				return task.id() + " ran uninterrupted";
			}
			catch (InterruptedException ex) {
				return task.id() + " was interrupted";
			}
		}

		@OnTask
		String quick(Quick task) {
			this.quickThreads.add(Thread.currentThread());
			return task.id();
		}

	}

}
