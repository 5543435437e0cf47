package io.github.asynctask.server;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code virtual-threads: true} (Java 21+): each task on its own virtual thread, at most {@code worker-concurrency}
 * at once per worker, so 1,000 handlers that each block 100 ms finish on 2 workers far below the 100 s they take
 * one after another; one key's tasks still run one at a time, in order.
 */
@Tag("java21")
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
		.withPropertyValues("async-task.task-worker-num=2", "async-task.virtual-threads=true")
		.withBean(Blocking.class, Blocking::new);

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void theStartLineSaysVirtualThreadsAndWorkerConcurrency(CapturedOutput output) {
		this.runner.withPropertyValues("async-task.worker-concurrency=7")
			.run((context) -> assertThat(output).contains("Task server started: 2 task workers "
					+ "(async-task-worker-0..1), virtual threads (each task on its own, at most 7 at once per worker: "
					+ "worker-concurrency), dispatch-mode idle-first"));
	}

	@Test
	void aThousandHandlersBlocking100msFinishOnTwoWorkersFarBelowAThousandTimes100ms() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Blocking blocking = context.getBean(Blocking.class);
			for (int i = 0; i < 1_000; i++) {
				template.dispatch(new Nap(i, 100));
			}
			// one after another: 100 s; two platform workers: 50 s; 2 x 100 virtual threads: about 0.5 s
			await().atMost(Duration.ofSeconds(30)).until(() -> blocking.finished.get() == 1_000);
			assertThat(blocking.ran).hasSize(1_000);
			assertThat(blocking.virtual).containsOnly(true);
			assertThat(blocking.maxRunning.get()).isLessThanOrEqualTo(200).isGreaterThan(2);
		});
	}

	@Test
	void atMostWorkerConcurrencyTasksRunAtOncePerWorker() {
		this.runner.withPropertyValues("async-task.worker-concurrency=5").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Blocking blocking = context.getBean(Blocking.class);
			for (int i = 0; i < 100; i++) {
				template.dispatch(new Nap(i, 20));
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> blocking.finished.get() == 100);
			assertThat(blocking.maxRunning.get()).isLessThanOrEqualTo(10).isGreaterThan(2);
		});
	}

	@Test
	void oneKeysTasksStillRunOneAtATimeInOrder() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class).withKey("customer-7");
			Blocking blocking = context.getBean(Blocking.class);
			for (int i = 0; i < 200; i++) {
				template.dispatch(new Keyed(i));
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> blocking.keyed.size() == 200);
			assertThat(blocking.keyed).containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList());
			assertThat(blocking.maxKeyedRunning.get()).isEqualTo(1);
		});
	}

	record Nap(int id, long millis) {
	}

	record Keyed(int id) {
	}

	static class Blocking {

		final Set<Integer> ran = ConcurrentHashMap.newKeySet();

		final List<Boolean> virtual = new CopyOnWriteArrayList<>();

		final AtomicInteger running = new AtomicInteger();

		final AtomicInteger maxRunning = new AtomicInteger();

		final AtomicInteger finished = new AtomicInteger();

		final List<Integer> keyed = new CopyOnWriteArrayList<>();

		final AtomicInteger keyedRunning = new AtomicInteger();

		final AtomicInteger maxKeyedRunning = new AtomicInteger();

		@OnTask
		Nap nap(Nap nap) throws Exception {
			this.maxRunning.accumulateAndGet(this.running.incrementAndGet(), Math::max);
			try {
				this.ran.add(nap.id());
				this.virtual.add((Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread()));
				Thread.sleep(nap.millis());
				return nap;
			}
			finally {
				this.running.decrementAndGet();
			}
		}

		@OnFinish
		void napped(Nap nap) {
			this.finished.incrementAndGet();
		}

		@OnTask
		void keyed(Keyed keyed) throws InterruptedException {
			this.maxKeyedRunning.accumulateAndGet(this.keyedRunning.incrementAndGet(), Math::max);
			try {
				Thread.sleep(1);
				this.keyed.add(keyed.id());
			}
			finally {
				this.keyedRunning.decrementAndGet();
			}
		}

	}

}
