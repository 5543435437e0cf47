package io.github.asynctask.metrics;

import java.time.Duration;

import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureOrder;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.util.function.SingletonSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-task meters exist in an application without a web server (a worker-only node is one) as soon as its
 * context is ready, however the registry's binding and the handler registry's freeze are ordered: a plain
 * {@link SpringApplication} with every auto-configuration of the test class path, as an application would run.
 */
class TaskMetricsNonWebApplicationTests {

	@Test
	void perTaskMetersAreRegisteredWhenTheContextIsReady() {
		assertPerTaskMeters(WorkerNode.class);
	}

	/**
	 * The order that lost them: the application's own {@link TaskMetrics} (the auto-configuration backs off to it)
	 * and an auto-configuration of its own that runs right after Spring Boot's metrics one, so the meter registry is
	 * bound, and the metrics' own start-up callback runs, before the handler registry is frozen.
	 */
	@Test
	void perTaskMetersAreRegisteredWhenTheRegistryIsBoundBeforeTheHandlersAreKnown() {
		assertPerTaskMeters(WorkerNodeWithItsOwnMetrics.class);
	}

	private void assertPerTaskMeters(Class<?> node) {
		SpringApplication application = new SpringApplication(node);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run("--spring.main.banner-mode=off",
				"--async-task.task-worker-num=1")) {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			// before any task: the meters of each task name are there, at zero
			FunctionCounter dispatched = registry.find("async.task.dispatched").tag("task", "Ping").functionCounter();
			assertThat(dispatched).as("async.task.dispatched{task=Ping}").isNotNull();
			assertThat(dispatched.count()).isZero();
			assertThat(registry.find("async.task.completed").tag("task", "Ping").functionCounters()).hasSize(4);
			assertThat(registry.find("async.task.duration").tag("task", "Ping").meters()).hasSize(4);
			assertThat(context.getBean(TaskTemplate.class).<String>dispatchAndWait(new Ping("a"), Duration.ofSeconds(10)))
				.isEqualTo("pong a");
			assertThat(dispatched.count()).isEqualTo(1);
			FunctionTimer duration = (FunctionTimer) registry.find("async.task.duration")
				.tags("task", "Ping", "outcome", "SUCCEEDED")
				.meter();
			assertThat(duration.count()).isEqualTo(1);
		}
	}

	record Ping(String id) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WorkerNode {

		@Bean
		Pinger pinger() {
			return new Pinger();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@ImportAutoConfiguration(NodeMetricsAutoConfiguration.class)
	static class WorkerNodeWithItsOwnMetrics {

		@Bean
		Pinger pinger() {
			return new Pinger();
		}

		@Bean
		TaskMetrics nodeTaskMetrics(TaskHandlerRegistry handlers, ObjectProvider<TaskServer> server) {
			return new TaskMetrics(handlers, SingletonSupplier.of(server::getObject));
		}

	}

	/** An application's auto-configuration that must run after Spring Boot's metrics one (e.g. common tags). */
	@AutoConfiguration(after = MetricsAutoConfiguration.class)
	@AutoConfigureOrder(Ordered.HIGHEST_PRECEDENCE)
	static class NodeMetricsAutoConfiguration {

	}

	static class Pinger {

		@OnTask
		String ping(Ping ping) {
			return "pong " + ping.id();
		}

	}

}
