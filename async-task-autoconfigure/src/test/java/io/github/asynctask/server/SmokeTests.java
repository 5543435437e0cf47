package io.github.asynctask.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SmokeTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void dispatchRunsHandlerAndListeners() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Handlers handlers = context.getBean(Handlers.class);
			template.dispatch(new Greet("ann"));
			await().atMost(Duration.ofSeconds(5)).until(() -> handlers.finished.size() == 2);
			assertThat(handlers.finished).contains("Hello ann");
			String value = template.dispatchAndWait(new Greet("bob"), Duration.ofSeconds(5));
			assertThat(value).isEqualTo("Hello bob");
		});
	}

	record Greet(String name) {
	}

	static class Handlers {

		final List<Object> finished = new CopyOnWriteArrayList<>();

		@OnTask
		String greet(Greet greet, TaskContext ctx) {
			return "Hello " + greet.name();
		}

		@OnFinish
		void done(String value) {
			this.finished.add(value);
		}

		@OnFinish
		void all(TaskResult<?> result) {
			this.finished.add(result.status());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

	}

}
