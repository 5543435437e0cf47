package io.github.asynctask.benchmarks.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The Spring baseline: {@code @EnableAsync} with a {@link ThreadPoolTaskExecutor} of a fixed size (core = max,
 * unbounded queue, Spring's defaults otherwise) and {@code @Async} methods returning {@code CompletableFuture};
 * the caller chains its finish step with {@code thenAccept}.
 */
public final class SpringAsyncSystem implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final AsyncService service;

	private final int threads;

	private SpringAsyncSystem(ConfigurableApplicationContext context, int threads) {
		this.context = context;
		this.service = context.getBean(AsyncService.class);
		this.threads = threads;
	}

	public static SpringAsyncSystem start(int threads) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("bench.threads=" + threads, "logging.level.root=WARN")
			.run();
		return new SpringAsyncSystem(context, threads);
	}

	public AsyncService service() {
		return this.service;
	}

	public ThreadPoolTaskExecutor executor() {
		return this.context.getBean(ThreadPoolTaskExecutor.class);
	}

	public Block.Gate blockAllWorkers() {
		Block.Gate gate = new Block.Gate(this.threads);
		for (int i = 0; i < this.threads; i++) {
			this.service.block(gate.block());
		}
		gate.awaitAllHeld(Duration.ofSeconds(30));
		return gate;
	}

	@Override
	public void close() {
		this.context.close();
	}

	/** The {@code @Async} counterpart of {@link AsyncTaskHandlers}. */
	public static class AsyncService {

		@Async
		public CompletableFuture<Noop> noop(Noop task) {
			return CompletableFuture.completedFuture(task);
		}

		@Async
		public CompletableFuture<Sleep> sleep(Sleep task) throws InterruptedException {
			Thread.sleep(task.millis());
			return CompletableFuture.completedFuture(task);
		}

		@Async
		public void block(Block block) {
			block.hold();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class App {

		@Bean
		ThreadPoolTaskExecutor taskExecutor(Environment environment) {
			int threads = environment.getRequiredProperty("bench.threads", Integer.class);
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setCorePoolSize(threads);
			executor.setMaxPoolSize(threads);
			executor.setThreadNamePrefix("spring-async-");
			executor.setDaemon(true);
			executor.setPrestartAllCoreThreads(true);
			return executor;
		}

		@Bean
		AsyncService asyncService() {
			return new AsyncService();
		}

	}

}
