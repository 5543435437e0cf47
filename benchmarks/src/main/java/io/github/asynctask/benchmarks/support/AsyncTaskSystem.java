package io.github.asynctask.benchmarks.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.handler.TaskHandlerRegistry;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A Spring Boot application with the async-task starter and {@link AsyncTaskHandlers}, configured in code.
 * One is started per JMH trial.
 */
public final class AsyncTaskSystem implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final TaskTemplate template;

	private final TaskServer server;

	private final int workers;

	private AsyncTaskSystem(ConfigurableApplicationContext context, int workers) {
		this.context = context;
		this.template = context.getBean(TaskTemplate.class);
		this.server = context.getBean(TaskServer.class);
		this.workers = workers;
	}

	/**
	 * Starts the application.
	 * @param workers {@code async-task.task-worker-num}
	 * @param properties further {@code key=value} properties, e.g. {@code async-task.queue-capacity=100000}
	 * @return the started system
	 */
	public static AsyncTaskSystem start(int workers, String... properties) {
		return start(workers, new Class<?>[0], properties);
	}

	/**
	 * Starts the application with further configuration classes.
	 * @param workers {@code async-task.task-worker-num}
	 * @param sources further configuration classes, e.g. one that declares a {@code MeterRegistry}
	 * @param properties further {@code key=value} properties
	 * @return the started system
	 */
	public static AsyncTaskSystem start(int workers, Class<?>[] sources, String... properties) {
		List<String> all = new ArrayList<>();
		all.add("async-task.task-worker-num=" + workers);
		all.add("logging.level.root=WARN");
		all.addAll(Arrays.asList(properties));
		Class<?>[] allSources = new Class<?>[sources.length + 1];
		allSources[0] = App.class;
		System.arraycopy(sources, 0, allSources, 1, sources.length);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(allSources)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(all.toArray(String[]::new))
			.run();
		AsyncTaskSystem system = new AsyncTaskSystem(context, workers);
		if (system.server.taskWorkerNum() != workers) {
			context.close();
			throw new IllegalStateException(
					"Expected " + workers + " task workers but got " + system.server.taskWorkerNum());
		}
		return system;
	}

	public TaskTemplate template() {
		return this.template;
	}

	public TaskServer server() {
		return this.server;
	}

	/** The task names and their counters. */
	public TaskHandlerRegistry handlers() {
		return this.context.getBean(TaskHandlerRegistry.class);
	}

	/** Occupies every worker with a {@link Block}; returns once each worker holds one. */
	public Block.Gate blockAllWorkers() {
		Block.Gate gate = new Block.Gate(this.workers);
		for (int i = 0; i < this.workers; i++) {
			this.template.onWorker(i).dispatch(gate.block());
		}
		gate.awaitAllHeld(Duration.ofSeconds(30));
		return gate;
	}

	@Override
	public void close() {
		this.context.close();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		AsyncTaskHandlers asyncTaskHandlers() {
			return new AsyncTaskHandlers();
		}

	}

}
