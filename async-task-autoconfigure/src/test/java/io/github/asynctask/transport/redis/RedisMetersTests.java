package io.github.asynctask.transport.redis;

import java.time.Duration;

import io.github.asynctask.TaskFailedException;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Boom;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Meters count on the node where their event happens: a task dispatched on one node and run on another is
 * {@code dispatched} at the first, {@code completed} with its {@code duration} at the second, so summing a meter
 * over the nodes counts it once.
 */
class RedisMetersTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Test
	void aTaskIsCountedDispatchedWhereItWasDispatchedAndCompletedWhereItRan() {
		try (RedisNodes nodes = new RedisNodes("meters")) {
			ConfigurableApplicationContext origin = nodes.start("web-" + System.nanoTime(),
					"async-task.redis.consume=false");
			ConfigurableApplicationContext worker = nodes.start("worker-" + System.nanoTime());
			RedisNodes.template(origin).dispatchAndWait(new Echo("counted once"), WAIT);
			MeterRegistry atOrigin = origin.getBean(MeterRegistry.class);
			MeterRegistry atWorker = worker.getBean(MeterRegistry.class);
			assertThat(count(atOrigin, "async.task.dispatched")).isEqualTo(1);
			assertThat(count(atWorker, "async.task.dispatched")).isZero();
			assertThat(completed(atWorker)).isEqualTo(1);
			assertThat(completed(atOrigin)).isZero();
			FunctionTimer ranAtWorker = duration(atWorker);
			FunctionTimer ranAtOrigin = duration(atOrigin);
			assertThat(ranAtWorker.count()).isEqualTo(1);
			assertThat(ranAtWorker.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
			assertThat(ranAtOrigin.count()).isZero();
			assertThat(ranAtOrigin.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isZero();
		}
	}

	@Test
	void outcomesReportedBackAreCountedAsResultsAtTheOriginOnly() {
		try (RedisNodes nodes = new RedisNodes("results")) {
			ConfigurableApplicationContext origin = nodes.start("web-" + System.nanoTime(),
					"async-task.redis.consume=false");
			ConfigurableApplicationContext worker = nodes.start("worker-" + System.nanoTime());
			TaskTemplate template = RedisNodes.template(origin);
			for (int i = 0; i < 3; i++) {
				template.dispatchAndWait(new Echo("result " + i), WAIT);
			}
			assertThatExceptionOfType(TaskFailedException.class)
				.isThrownBy(() -> template.dispatchAndWait(new Boom("reported back"), WAIT));
			MeterRegistry atOrigin = origin.getBean(MeterRegistry.class);
			MeterRegistry atWorker = worker.getBean(MeterRegistry.class);
			assertThat(results(atOrigin, "Echo", TaskStatus.SUCCEEDED)).isEqualTo(3);
			assertThat(results(atOrigin, "Boom", TaskStatus.FAILED)).isEqualTo(1);
			assertThat(results(atOrigin, "Echo", TaskStatus.FAILED)).isZero();
			// the worker ran them (completed there) and received no result; the origin completed none
			assertThat(results(atWorker, "Echo", TaskStatus.SUCCEEDED)).isZero();
			assertThat(completed(atWorker)).isEqualTo(3);
			assertThat(completed(atOrigin)).isZero();
		}
	}

	private static double results(MeterRegistry registry, String task, TaskStatus outcome) {
		return registry.get("async.task.results").tags("task", task, "outcome", outcome.name()).functionCounter().count();
	}

	private static double count(MeterRegistry registry, String name) {
		return registry.get(name).tag("task", "Echo").functionCounter().count();
	}

	private static double completed(MeterRegistry registry) {
		return registry.get("async.task.completed")
			.tags("task", "Echo", "outcome", TaskStatus.SUCCEEDED.name())
			.functionCounter()
			.count();
	}

	private static FunctionTimer duration(MeterRegistry registry) {
		return (FunctionTimer) registry.get("async.task.duration")
			.tags("task", "Echo", "outcome", TaskStatus.SUCCEEDED.name())
			.meter();
	}

}
