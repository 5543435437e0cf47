package io.github.asynctask.execution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tasks.<name>.max-concurrency}: one task type cannot take every worker; its tasks over the limit wait
 * without holding a worker, and run once a place frees.
 */
class MaxConcurrencyTests {

	static final Duration WAIT = Duration.ofSeconds(20);

	ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
			.withPropertyValues("async-task.task-worker-num=3", "async-task.tasks.Report.max-concurrency=1",
					"async-task.tasks.Step.max-concurrency=1")
			.withBean(Reports.class, Reports::new);
	}

	@Test
	void tasksOverTheLimitWaitWithoutHoldingAWorkerAndRunOnceAPlaceFrees() {
		runner().run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Reports reports = context.getBean(Reports.class);
			List<CompletableFuture<String>> limited = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				limited.add(template.submit(new Report("r" + i)));
			}
			assertThat(reports.started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			// three workers, one report running, three parked: both other workers still serve other tasks
			int held = reports.workerOfFirst;
			for (int i = 0; i < 20; i++) {
				int other = (held + 1 + (i % 2)) % 3;
				assertThat(template.onWorker(other).<String>dispatchAndWait(new Ping("p" + i), WAIT))
					.isEqualTo("p" + i);
			}
			assertThat(reports.running.get()).isEqualTo(1);
			assertThat(limited).filteredOn(CompletableFuture::isDone).isEmpty();
			reports.release.countDown();
			assertThat(CompletableFuture.allOf(limited.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
			assertThat(reports.maxRunning.get()).isEqualTo(1);
			assertThat(reports.runs.get()).isEqualTo(4);
		});
	}

	@Test
	void aKeyedTaskWaitingForAPlaceKeepsItsKeysOrder() {
		runner().run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Reports reports = context.getBean(Reports.class);
			CompletableFuture<String> first = template.submit(new Step("s0", true));
			assertThat(reports.stepStarted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			TaskTemplate keyed = template.withKey("account-1");
			List<CompletableFuture<String>> steps = new ArrayList<>();
			for (int i = 1; i <= 5; i++) {
				steps.add(keyed.submit(new Step("s" + i, false)));
			}
			assertThat(steps).filteredOn(CompletableFuture::isDone).isEmpty();
			reports.releaseStep.countDown();
			assertThat(first).succeedsWithin(WAIT);
			assertThat(CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
			assertThat(reports.steps).containsExactly("s0", "s1", "s2", "s3", "s4", "s5");
		});
	}

	record Report(String id) {
	}

	record Step(String id, boolean hold) {
	}

	record Ping(String id) {
	}

	static class Reports {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger running = new AtomicInteger();

		final AtomicInteger maxRunning = new AtomicInteger();

		final AtomicInteger runs = new AtomicInteger();

		volatile int workerOfFirst = -1;

		@OnTask
		String report(Report report, io.github.asynctask.TaskContext context) throws InterruptedException {
			int now = this.running.incrementAndGet();
			if (this.started.getCount() > 0) {
				this.workerOfFirst = context.workerId();
			}
			this.maxRunning.accumulateAndGet(now, Math::max);
			this.runs.incrementAndGet();
			this.started.countDown();
			try {
				this.release.await(1, TimeUnit.MINUTES);
				return report.id();
			}
			finally {
				this.running.decrementAndGet();
			}
		}

		final CountDownLatch stepStarted = new CountDownLatch(1);

		final CountDownLatch releaseStep = new CountDownLatch(1);

		final List<String> steps = new java.util.concurrent.CopyOnWriteArrayList<>();

		@OnTask
		String step(Step step) throws InterruptedException {
			if (step.hold()) {
				this.stepStarted.countDown();
				this.releaseStep.await(1, TimeUnit.MINUTES);
			}
			this.steps.add(step.id());
			return step.id();
		}

		@OnTask
		String ping(Ping ping) {
			return ping.id();
		}

	}

}
