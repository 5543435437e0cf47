package io.github.asynctask.benchmarks.support;

import java.util.concurrent.CompletableFuture;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * The Spring baseline on virtual threads: {@code @EnableAsync} with a {@link SimpleAsyncTaskExecutor} that starts a
 * virtual thread per call, as Spring Boot configures it with {@code spring.threads.virtual.enabled=true}. Java 21+.
 */
public final class SpringAsyncVirtualSystem implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final AsyncService service;

	private SpringAsyncVirtualSystem(ConfigurableApplicationContext context) {
		this.context = context;
		this.service = context.getBean(AsyncService.class);
	}

	public static SpringAsyncVirtualSystem start() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("logging.level.root=WARN")
			.run();
		return new SpringAsyncVirtualSystem(context);
	}

	public AsyncService service() {
		return this.service;
	}

	@Override
	public void close() {
		this.context.close();
	}

	/** {@code @Async} methods returning {@code CompletableFuture}. */
	public static class AsyncService {

		@Async
		public CompletableFuture<Sleep> sleep(Sleep task) throws InterruptedException {
			Thread.sleep(task.millis());
			return CompletableFuture.completedFuture(task);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class App {

		@Bean
		SimpleAsyncTaskExecutor taskExecutor() {
			SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("spring-async-virtual-");
			executor.setVirtualThreads(true);
			return executor;
		}

		@Bean
		AsyncService asyncService() {
			return new AsyncService();
		}

	}

}
