package io.github.asynctask.metrics;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.TaskTimeoutException;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.autoconfigure.metrics.AsyncTaskMetricsAutoConfiguration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Every {@code async.task.*} meter, read from a real {@link SimpleMeterRegistry} made by Spring Boot's metrics
 * auto-configuration, after a workload whose counts are known exactly: one worker, one queue slot, {@code reject}
 * when full.
 */
class TaskMetricsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				AsyncTaskAutoConfiguration.class, AsyncTaskMetricsAutoConfiguration.class))
		.withPropertyValues("async-task.task-worker-num=1", "async-task.queue-capacity=1",
				"async-task.when-full=reject")
		.withBean(Handlers.class)
		.withBean(Listeners.class);

	@Test
	void everyMeterAfterAKnownWorkload() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);

			for (int i = 0; i < 3; i++) {
				assertThat(template.<String>submit(new Ok(i)).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("ok");
			}
			template.dispatch(new Boom("on purpose")); // FAILED; its @OnFinish throws
			marker(context.getBean(TaskServer.class), template); // the one worker ran Boom and its listener first

			Hold hold = new Hold(new CountDownLatch(1), new CountDownLatch(1));
			template.dispatch(hold);
			assertThat(hold.started().await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			long queued = template.dispatch(new Ok(10)); // takes the one queue slot
			assertThat(gauge(registry, "async.task.running")).isEqualTo(1);
			assertThat(gauge(registry, "async.task.queued")).isEqualTo(1);
			assertThat(gauge(registry, "async.task.workers.idle")).isZero();
			assertThat(registry.get("async.task.worker.queued").tag("worker", "0").gauge().value()).isEqualTo(1);
			assertThatExceptionOfType(TaskRejectedException.class).isThrownBy(() -> template.dispatch(new Ok(11)));
			assertThat(template.tryDispatch(new Ok(12))).isEmpty();
			assertThat(template.cancel(queued)).isTrue(); // CANCELLED
			assertThatExceptionOfType(TaskTimeoutException.class)
				.isThrownBy(() -> template.dispatchAndWait(new Ok(13), Duration.ofMillis(1))); // its result drops
			hold.release().countDown();
			marker(context.getBean(TaskServer.class), template);

			// Ok: 3 submitted + 2 markers + 1 cancelled + 1 whose result dropped; 2 refused
			assertThat(counter(registry, "async.task.dispatched", "Ok")).isEqualTo(7);
			assertThat(counter(registry, "async.task.rejected", "Ok")).isEqualTo(2);
			assertThat(completed(registry, "Ok", TaskStatus.SUCCEEDED)).isEqualTo(6);
			assertThat(completed(registry, "Ok", TaskStatus.CANCELLED)).isEqualTo(1);
			assertThat(completed(registry, "Ok", TaskStatus.FAILED)).isZero();
			assertThat(completed(registry, "Ok", TaskStatus.TIMED_OUT)).isZero();
			assertThat(duration(registry, "Ok", TaskStatus.SUCCEEDED).count()).isEqualTo(6);
			assertThat(duration(registry, "Ok", TaskStatus.CANCELLED).count()).isEqualTo(1);
			assertThat(duration(registry, "Ok", TaskStatus.CANCELLED).totalTime(TimeUnit.NANOSECONDS)).isZero();
			assertThat(queueWait(registry, "Ok").count()).isEqualTo(6); // the cancelled one never started
			assertThat(counter(registry, "async.task.results.dropped", "Ok")).isEqualTo(1);
			assertThat(counter(registry, "async.task.listener.errors", "Ok")).isZero();
			assertThat(counter(registry, "async.task.retries", "Ok")).isZero();

			assertThat(counter(registry, "async.task.dispatched", "Boom")).isEqualTo(1);
			assertThat(counter(registry, "async.task.rejected", "Boom")).isZero();
			assertThat(completed(registry, "Boom", TaskStatus.FAILED)).isEqualTo(1);
			assertThat(completed(registry, "Boom", TaskStatus.SUCCEEDED)).isZero();
			assertThat(duration(registry, "Boom", TaskStatus.FAILED).count()).isEqualTo(1);
			assertThat(queueWait(registry, "Boom").count()).isEqualTo(1);
			assertThat(counter(registry, "async.task.listener.errors", "Boom")).isEqualTo(1);
			assertThat(counter(registry, "async.task.results.dropped", "Boom")).isZero();

			assertThat(counter(registry, "async.task.dispatched", "Hold")).isEqualTo(1);
			assertThat(completed(registry, "Hold", TaskStatus.SUCCEEDED)).isEqualTo(1);
			assertThat(duration(registry, "Hold", TaskStatus.SUCCEEDED).count()).isEqualTo(1);
			assertThat(duration(registry, "Hold", TaskStatus.SUCCEEDED).totalTime(TimeUnit.NANOSECONDS)).isPositive();
			assertThat(queueWait(registry, "Hold").count()).isEqualTo(1);

			assertThat(gauge(registry, "async.task.workers")).isEqualTo(1);
			assertThat(gauge(registry, "async.task.queued")).isZero();
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(gauge(registry, "async.task.running")).isZero();
				assertThat(gauge(registry, "async.task.workers.idle")).isEqualTo(1);
			});
			assertThat(registry.get("async.task.worker.queued").tag("worker", "0").gauge().value()).isZero();
		});
	}

	@Test
	void everyMeterOfTheTableHasADescriptionAndABaseUnit() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Set<String> names = registry.getMeters().stream()
				.map((meter) -> meter.getId().getName())
				.filter((name) -> name.startsWith("async.task."))
				.collect(Collectors.toSet());
			assertThat(names).containsExactlyInAnyOrder("async.task.dispatched", "async.task.rejected",
					"async.task.completed", "async.task.duration", "async.task.queue.wait", "async.task.retries",
					"async.task.results.dropped", "async.task.listener.errors", "async.task.queued",
					"async.task.running", "async.task.workers", "async.task.workers.idle",
					"async.task.worker.queued", "async.task.scheduled");
			for (Meter meter : registry.getMeters()) {
				if (meter.getId().getName().startsWith("async.task.")) {
					assertThat(meter.getId().getDescription()).as(meter.getId().getName()).isNotBlank();
					assertThat(meter.getId().getBaseUnit()).as(meter.getId().getName()).isNotBlank();
				}
			}
			assertThat(registry.get("async.task.completed").tag("task", "Ok").functionCounters())
				.extracting((counter) -> counter.getId().getTag("outcome"))
				.containsExactlyInAnyOrder("SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED");
			assertThat(registry.get("async.task.dispatched").functionCounter().getId().getType())
				.isEqualTo(Meter.Type.COUNTER);
			assertThat(registry.get("async.task.duration").functionTimers()).hasSize(4 * 4)
				.allSatisfy((timer) -> assertThat(timer.getId().getType()).isEqualTo(Meter.Type.TIMER));
		});
	}

	@Test
	void delayedTasksAreCountedByTheScheduledGaugeAndWaitInTheQueueFromTheirDueTime() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			long far = template.after(Duration.ofHours(1)).dispatch(new Ok(1));
			assertThat(gauge(registry, "async.task.scheduled")).isEqualTo(1);
			assertThat(gauge(registry, "async.task.queued")).isZero();

			Duration delay = Duration.ofMillis(200);
			CompletableFuture<Long> started = new CompletableFuture<>();
			long before = System.nanoTime();
			template.after(delay).dispatch(new Stamp(started));
			long start = started.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			await().atMost(WAIT).until(() -> queueWait(registry, "Stamp").count() == 1);
			// counted from the due time: at most what passed from the dispatch call to the handler, less the delay
			assertThat(queueWait(registry, "Stamp").totalTime(TimeUnit.NANOSECONDS))
				.isLessThanOrEqualTo((double) (start - before - delay.toNanos()));
			assertThat(gauge(registry, "async.task.scheduled")).isEqualTo(1);
			assertThat(template.cancel(far)).isTrue();
			assertThat(gauge(registry, "async.task.scheduled")).isZero();
			assertThat(completed(registry, "Ok", TaskStatus.CANCELLED)).isEqualTo(1);
		});
	}

	@Test
	void managementMetricsEnableTurnsThemOff() {
		this.runner.withPropertyValues("management.metrics.enable.async.task=false").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			template.<String>submit(new Ok(1)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("async.task.dispatched").meters()).isEmpty();
			assertThat(registry.find("async.task.duration").meters()).isEmpty();
		});
	}

	/** Runs a task behind the ones queued (on the one worker, in order) once the one queue slot is free. */
	private static void marker(TaskServer server, TaskTemplate template) throws Exception {
		await().atMost(WAIT).until(() -> server.stats().queuedNum() == 0);
		template.<String>submit(new Ok(-1)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
	}

	private static double gauge(MeterRegistry registry, String name) {
		Gauge gauge = registry.get(name).gauge();
		return gauge.value();
	}

	private static double counter(MeterRegistry registry, String name, String task) {
		FunctionCounter counter = registry.get(name).tag("task", task).functionCounter();
		return counter.count();
	}

	private static double completed(MeterRegistry registry, String task, TaskStatus status) {
		return registry.get("async.task.completed").tag("task", task).tag("outcome", status.name())
			.functionCounter()
			.count();
	}

	private static FunctionTimer duration(MeterRegistry registry, String task, TaskStatus status) {
		return registry.get("async.task.duration").tag("task", task).tag("outcome", status.name()).functionTimer();
	}

	private static FunctionTimer queueWait(MeterRegistry registry, String task) {
		return registry.get("async.task.queue.wait").tag("task", task).functionTimer();
	}

	record Ok(int n) {
	}

	record Boom(String why) {
	}

	record Hold(CountDownLatch started, CountDownLatch release) {
	}

	record Stamp(CompletableFuture<Long> started) {
	}

	static class Handlers {

		@OnTask
		String ok(Ok job) {
			return "ok";
		}

		@OnTask
		void boom(Boom job) {
			throw new IllegalStateException(job.why());
		}

		@OnTask
		void stamp(Stamp job) {
			job.started().complete(System.nanoTime());
		}

		@OnTask
		String hold(Hold job) throws InterruptedException {
			job.started().countDown();
			job.release().await(30, TimeUnit.SECONDS);
			return "held";
		}

	}

	static class Listeners {

		@OnFinish("Boom")
		void boomEnded(TaskResult<?> result) {
			throw new IllegalStateException("a listener that throws");
		}

	}

}
