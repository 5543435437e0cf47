package io.github.asynctask.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Run by {@link OverloadTests} in a JVM with a small heap: dispatches {@code args[0]} tasks from one thread into
 * bounded queues ({@code when-full: block}), waits for all, and prints how many ran, how many distinct ones, and how
 * many reached {@code @OnFinish}.
 */
public final class OverloadMain {

	static final int TASKS = 1_000_000;

	private OverloadMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		int tasks = Integer.parseInt(args[0]);
		Ticks.expect(tasks);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("async-task.task-worker-num=2", "async-task.queue-capacity=1024",
					"async-task.when-full=block", "async-task.block-timeout=60s", "logging.level.root=WARN")
			.run()) {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			for (int i = 0; i < tasks; i++) {
				template.dispatch(new Tick(i));
			}
			if (!Ticks.done.await(3, TimeUnit.MINUTES)) {
				System.out.println("timed out: finished=" + Ticks.finished.get());
			}
			System.out.println("dispatched=" + tasks + " ran=" + Ticks.ran.get() + " distinct=" + Ticks.distinct.get()
					+ " finished=" + Ticks.finished.get() + " maxMemoryMb="
					+ Runtime.getRuntime().maxMemory() / (1024 * 1024));
		}
		System.exit(0);
	}

	record Tick(int id) {
	}

	static final class Ticks {

		static final AtomicInteger ran = new AtomicInteger();

		static final AtomicInteger distinct = new AtomicInteger();

		static final AtomicInteger finished = new AtomicInteger();

		static volatile AtomicLongArray seen = new AtomicLongArray(1);

		static volatile CountDownLatch done = new CountDownLatch(1);

		static int expected;

		static void expect(int tasks) {
			expected = tasks;
			seen = new AtomicLongArray((tasks + 63) / 64);
		}

		@OnTask
		Tick tick(Tick tick) {
			ran.incrementAndGet();
			long bit = 1L << (tick.id() & 63);
			if ((seen.getAndAccumulate(tick.id() >>> 6, bit, (a, b) -> a | b) & bit) == 0) {
				distinct.incrementAndGet();
			}
			return tick;
		}

		@OnFinish
		void finished(Tick tick) {
			if (finished.incrementAndGet() == expected) {
				done.countDown();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(AsyncTaskAutoConfiguration.class)
	static class App {

		@Bean
		Ticks ticks() {
			return new Ticks();
		}

	}

}
