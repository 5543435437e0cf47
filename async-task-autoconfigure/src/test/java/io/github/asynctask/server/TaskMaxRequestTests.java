package io.github.asynctask.server;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.WorkerStats;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code task-max-request}: Swoole's own test (limit 200, 4 workers, 4,000 tasks): every task runs once and reaches
 * its {@code @OnFinish} once, while worker threads are replaced, each after 200 tasks plus a random grace of up to
 * 100, so that workers do not all recycle at once.
 */
class TaskMaxRequestTests {

	private static final int TASKS = 4_000;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
		.withPropertyValues("async-task.task-worker-num=4", "async-task.task-max-request=200",
				"async-task.dispatch-mode=round-robin")
		.withBean(Counting.class, Counting::new);

	@Test
	void fourThousandTasksOnFourWorkersRecyclingEvery200RunAndFinishOnceEach() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Counting counting = context.getBean(Counting.class);
			for (int i = 0; i < TASKS; i++) {
				template.dispatch(new Work(i));
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> counting.finished.get() == TASKS);
			assertThat(counting.runs.get()).isEqualTo(TASKS);
			assertThat(counting.distinctRuns).hasSize(TASKS);
			assertThat(counting.finished.get()).isEqualTo(TASKS);
			// 1,000 tasks per worker, at most 300 per thread: at least 4 threads per worker
			assertThat(counting.threads.size()).isGreaterThan(15);
			int restarts = context.getBean(TaskServer.class)
				.stats()
				.workers()
				.stream()
				.mapToInt(WorkerStats::restarts)
				.sum();
			assertThat(restarts).isGreaterThanOrEqualTo(12);
			assertThat(counting.threads.size()).isGreaterThanOrEqualTo(restarts);
		});
	}

	@Test
	void theGraceSpreadsTheRecyclingSoThreadsServeBetweenNAndOneAndAHalfNTasks() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Counting counting = context.getBean(Counting.class);
			for (int i = 0; i < TASKS; i++) {
				template.dispatch(new Work(i));
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> counting.finished.get() == TASKS);
			// every thread that was replaced served from 200 to 300 tasks; the last of each worker fewer
			long full = counting.perThread.values().stream().filter((count) -> count.get() >= 200).count();
			assertThat(counting.perThread.values()).allSatisfy((count) -> assertThat(count.get()).isLessThanOrEqualTo(300));
			assertThat(full).isGreaterThanOrEqualTo(12);
			assertThat(counting.perThread.values().stream().map(AtomicInteger::get).distinct().count())
				.as("not every thread recycles after the same count").isGreaterThan(1);
		});
	}

	record Work(int id) {
	}

	static class Counting {

		final AtomicInteger runs = new AtomicInteger();

		final AtomicInteger finished = new AtomicInteger();

		final Set<Integer> distinctRuns = ConcurrentHashMap.newKeySet();

		final Set<Thread> threads = ConcurrentHashMap.newKeySet();

		final ConcurrentHashMap<Thread, AtomicInteger> perThread = new ConcurrentHashMap<>();

		@OnTask
		Integer work(Work work) {
			this.runs.incrementAndGet();
			this.distinctRuns.add(work.id());
			this.threads.add(Thread.currentThread());
			this.perThread.computeIfAbsent(Thread.currentThread(), (thread) -> new AtomicInteger()).incrementAndGet();
			return work.id();
		}

		@OnFinish
		void finished(Integer id) {
			this.finished.incrementAndGet();
		}

	}

}
