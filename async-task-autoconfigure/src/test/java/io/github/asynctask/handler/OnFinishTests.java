package io.github.asynctask.handler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.WorkerStats;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.server.DefaultTaskServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Semantics of {@code @OnFinish}: which methods run for which outcome, in what order, on which thread, and what a
 * throwing listener or handler does (nothing to the others, nothing to the worker).
 * <p>
 * Most tests run one worker: its tasks, and their listeners, run in dispatch order, so once a later
 * {@code dispatchAndWait} returns, every listener of the earlier tasks has run. That is how a test proves a
 * listener was <em>not</em> called, without sleeping.
 */
@ExtendWith(OutputCaptureExtension.class)
class OnFinishTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
		.withPropertyValues("async-task.task-worker-num=1")
		.withUserConfiguration(Config.class);

	@Test
	void valueTypedListenersRunForSuccessfulResultsThatAreInstancesOfTheirType() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Events events = context.getBean(Events.class);
			long textId = template.dispatch(new Text("a"));
			template.dispatch(new Num(5));
			flush(context);
			assertThat(events.named("string")).containsExactly("string:a@Text#" + textId);
			assertThat(events.named("charSequence")).containsExactly("charSequence:a");
			assertThat(events.named("integer")).containsExactly("integer:5");
			assertThat(events.named("number")).containsExactly("number:5");
			assertThat(events.named("all")).containsExactly("all:Text:SUCCEEDED:a", "all:Num:SUCCEEDED:5");
		});
	}

	@Test
	void nameFilteredListenersRunOnlyForTheirTasks() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Events events = context.getBean(Events.class);
			template.dispatch(new Text("a"));
			template.dispatch(new Num(5));
			template.dispatch(new Shout("b"));
			flush(context);
			assertThat(events.named("textOnly")).containsExactly("textOnly:Text:a");
			assertThat(events.named("textOrShout")).containsExactly("textOrShout:a", "textOrShout:B!");
			// the value-typed listeners see both String results, whatever the task name
			assertThat(events.named("charSequence")).containsExactly("charSequence:a", "charSequence:B!");
		});
	}

	@Test
	void taskResultTypedListenerGetsFailuresWithTheHandlersException() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Events events = context.getBean(Events.class);
			long id = template.dispatch(new Fail("broken"));
			flush(context);
			assertThat(events.named("all")).containsExactly("all:Fail:FAILED:null");
			TaskResult<?> failed = events.results.get(0);
			assertThat(failed.taskId()).isEqualTo(id);
			assertThat(failed.isSuccess()).isFalse();
			assertThat(failed.value()).isNull();
			assertThat(failed.error()).isInstanceOf(IllegalStateException.class).hasMessage("broken");
			assertThat(failed.attempts()).isEqualTo(1);
			assertThat(failed.workerId()).isZero();
			// the handler is declared to return a String, but no value-typed listener hears of a failure
			assertThat(events.named("string")).isEmpty();
			assertThat(events.named("charSequence")).isEmpty();
		});
	}

	@Test
	void nullResultSkipsValueTypedListenersButReachesTaskResultTypedOnes() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Events events = context.getBean(Events.class);
			template.dispatch(new Text(null));
			flush(context);
			assertThat(events.named("all")).containsExactly("all:Text:SUCCEEDED:null");
			assertThat(events.named("textOnly")).containsExactly("textOnly:Text:null");
			assertThat(events.named("string")).isEmpty();
			assertThat(events.named("charSequence")).isEmpty();
		});
	}

	@Test
	void listenersRunInOrderAcrossMethodsAndBeans() {
		this.runner.withUserConfiguration(OrderedConfig.class).run((context) -> {
			Events events = context.getBean(Events.class);
			context.getBean(TaskTemplate.class).dispatch(new Step(1));
			flush(context);
			assertThat(events.named("step")).containsExactly("step:first(-5)", "step:second(1)", "step:third(2)",
					"step:fourth(3)", "step:unordered");
		});
	}

	@Test
	void throwingListenerIsLoggedAndCountedAndTheOthersAndTheWorkerGoOn(CapturedOutput output) {
		this.runner.withUserConfiguration(ThrowingConfig.class).run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Events events = context.getBean(Events.class);
			DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
			template.dispatch(new Step(1));
			template.dispatch(new Step(2));
			flush(context);
			assertThat(events.named("step")).containsExactly("step:before", "step:after", "step:before",
					"step:after");
			assertThat(server.listenerErrors()).isEqualTo(2);
			assertThat(output).contains("listener exploded for step 1").contains("listener exploded for step 2");
			// the marker's result is delivered before its worker counts it
			await().atMost(WAIT).until(() -> server.stats().completed() == 3);
			WorkerStats worker = server.stats().workers().get(0);
			assertThat(worker.processed()).isEqualTo(3);
			assertThat(worker.failed()).isZero();
			assertThat(worker.restarts()).isZero();
			assertThat(server.stats().failed()).isZero();
		});
	}

	@Test
	void handlerExceptionNeverKillsTheWorker() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Events events = context.getBean(Events.class);
			DefaultTaskServer server = context.getBean(DefaultTaskServer.class);
			template.dispatch(new Fail("first"));
			template.dispatch(new Fail("second"));
			String after = template.dispatchAndWait(new Text("still alive"), WAIT);
			assertThat(after).isEqualTo("still alive");
			assertThat(events.handlerThreads).hasSize(3).containsOnly("async-task-worker-0");
			assertThat(events.named("all")).containsExactly("all:Fail:FAILED:null", "all:Fail:FAILED:null");
			await().atMost(WAIT).until(() -> server.stats().completed() == 3);
			WorkerStats worker = server.stats().workers().get(0);
			assertThat(worker.processed()).isEqualTo(3);
			assertThat(worker.failed()).isEqualTo(2);
			assertThat(worker.restarts()).isZero();
			assertThat(server.listenerErrors()).isZero();
		});
	}

	@Test
	void callbackReplacesOnFinishForItsTask() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Events events = context.getBean(Events.class);
			CompletableFuture<TaskResult<String>> delivered = new CompletableFuture<>();
			long id = template.dispatch(new Text("cb"), delivered::complete);
			TaskResult<String> result = delivered.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(result.taskId()).isEqualTo(id);
			assertThat(result.value()).isEqualTo("cb");
			template.dispatch(new Text("listened"));
			flush(context);
			assertThat(events.all()).noneMatch((event) -> event.contains("cb"));
			assertThat(events.named("all")).containsExactly("all:Text:SUCCEEDED:listened");
		});
	}

	@Test
	void failureWithCallbackGoesToTheCallbackOnly() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Events events = context.getBean(Events.class);
			CompletableFuture<TaskResult<String>> delivered = new CompletableFuture<>();
			template.dispatch(new Fail("to callback"), delivered::complete);
			TaskResult<String> result = delivered.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(result.status()).isEqualTo(TaskStatus.FAILED);
			assertThat(result.error()).isInstanceOf(IllegalStateException.class).hasMessage("to callback");
			flush(context);
			assertThat(events.all()).isEmpty();
		});
	}

	@Test
	void waitingAndFutureDispatchesDoNotReachOnFinish() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Events events = context.getBean(Events.class);
			String waited = template.dispatchAndWait(new Text("waited"), WAIT);
			String submitted = template.<String>submit(new Text("submitted")).get(WAIT.toMillis(),
					TimeUnit.MILLISECONDS);
			List<TaskResult<String>> all = template.dispatchAllAndWait(List.of(new Text("x"), new Text("y")), WAIT);
			assertThat(waited).isEqualTo("waited");
			assertThat(submitted).isEqualTo("submitted");
			assertThat(all).extracting(TaskResult::value).containsExactly("x", "y");
			flush(context);
			assertThat(events.all()).isEmpty();
		});
	}

	@Test
	void onFinishNeverRunsOnTheDispatchingThread() {
		this.runner.withPropertyValues("async-task.task-worker-num=2").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Events events = context.getBean(Events.class);
			List<Thread> producers = new ArrayList<>();
			List<String> producerNames = new CopyOnWriteArrayList<>(List.of(Thread.currentThread().getName()));
			for (int i = 0; i < 20; i++) {
				template.dispatch(new Text("main-" + i));
			}
			for (int p = 0; p < 2; p++) {
				int producer = p;
				Thread thread = new Thread(() -> {
					for (int i = 0; i < 20; i++) {
						template.dispatch(new Text("producer" + producer + "-" + i));
					}
				}, "producer-" + p);
				producerNames.add(thread.getName());
				producers.add(thread);
				thread.start();
			}
			for (Thread thread : producers) {
				thread.join(WAIT.toMillis());
				assertThat(thread.isAlive()).isFalse();
			}
			// five listeners take a Text task's String result: string, charSequence, textOnly, textOrShout, all
			await().atMost(WAIT).untilAsserted(() -> assertThat(events.listenerThreads).hasSize(60 * 5));
			assertThat(events.listenerThreads).allMatch((name) -> name.startsWith("async-task-worker-"))
				.doesNotContainAnyElementsOf(producerNames);
		});
	}

	/** Returns once every task dispatched before it, and their listeners, have run (one worker: FIFO). */
	private static void flush(AssertableApplicationContext context) {
		String done = context.getBean(TaskTemplate.class).dispatchAndWait(new Marker(), WAIT);
		assertThat(done).isEqualTo("marker");
	}

	// Payloads

	record Text(@Nullable String value) {
	}

	record Shout(String value) {
	}

	record Num(int value) {
	}

	record Fail(String message) {
	}

	record Step(int value) {
	}

	record Marker() {
	}

	/** What happened, in order. */
	static class Events {

		final List<String> events = new CopyOnWriteArrayList<>();

		final List<TaskResult<?>> results = new CopyOnWriteArrayList<>();

		final List<String> handlerThreads = new CopyOnWriteArrayList<>();

		final List<String> listenerThreads = new CopyOnWriteArrayList<>();

		void add(String event) {
			this.events.add(event);
			this.listenerThreads.add(Thread.currentThread().getName());
		}

		List<String> named(String prefix) {
			return this.events.stream().filter((event) -> event.startsWith(prefix + ":")).toList();
		}

		List<String> all() {
			return List.copyOf(this.events);
		}

	}

	static class Handlers {

		private final Events events;

		Handlers(Events events) {
			this.events = events;
		}

		@OnTask
		@Nullable String text(Text text) {
			this.events.handlerThreads.add(Thread.currentThread().getName());
			return text.value();
		}

		@OnTask("shout")
		String shout(Shout shout) {
			return shout.value().toUpperCase() + "!";
		}

		@OnTask
		Integer num(Num num) {
			return num.value();
		}

		@OnTask
		String fail(Fail fail) {
			this.events.handlerThreads.add(Thread.currentThread().getName());
			throw new IllegalStateException(fail.message());
		}

		@OnTask
		String marker(Marker marker) {
			return "marker";
		}

	}

	static class Listeners {

		private final Events events;

		Listeners(Events events) {
			this.events = events;
		}

		@OnFinish
		void string(String value, TaskContext ctx) {
			if (!"marker".equals(value)) {
				this.events.add("string:" + value + "@" + ctx.taskName() + "#" + ctx.taskId());
			}
		}

		@OnFinish
		void charSequence(CharSequence value) {
			if (!"marker".contentEquals(value)) {
				this.events.add("charSequence:" + value);
			}
		}

		@OnFinish
		void integer(Integer value) {
			this.events.add("integer:" + value);
		}

		@OnFinish
		void number(Number value) {
			this.events.add("number:" + value);
		}

		@OnFinish("Text")
		void textOnly(TaskResult<?> result) {
			this.events.add("textOnly:" + result.taskName() + ":" + result.value());
		}

		@OnFinish({ "Text", "shout" })
		void textOrShout(String value) {
			this.events.add("textOrShout:" + value);
		}

		@OnFinish
		void all(TaskResult<?> result) {
			if (!"Marker".equals(result.taskName()) && !"Step".equals(result.taskName())) {
				this.events.add("all:" + result.taskName() + ":" + result.status() + ":" + result.value());
				this.events.results.add(result);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Events events() {
			return new Events();
		}

		@Bean
		Handlers handlers(Events events) {
			return new Handlers(events);
		}

		@Bean
		Listeners listeners(Events events) {
			return new Listeners(events);
		}

	}

	record StepDone(String label) {
	}

	static class StepHandler {

		@OnTask
		StepDone step(Step step) {
			return new StepDone("step " + step.value());
		}

	}

	static class OrderedListenersA {

		private final Events events;

		OrderedListenersA(Events events) {
			this.events = events;
		}

		@OnFinish
		void unordered(StepDone done) {
			this.events.add("step:unordered");
		}

		@OnFinish
		@Order(2)
		void third(StepDone done) {
			this.events.add("step:third(2)");
		}

		@OnFinish
		@Order(-5)
		void first(StepDone done) {
			this.events.add("step:first(-5)");
		}

	}

	static class OrderedListenersB {

		private final Events events;

		OrderedListenersB(Events events) {
			this.events = events;
		}

		@OnFinish
		@Order(3)
		void fourth(StepDone done) {
			this.events.add("step:fourth(3)");
		}

		@OnFinish
		@Order(1)
		void second(TaskResult<?> result) {
			if (result.value() instanceof StepDone) {
				this.events.add("step:second(1)");
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedConfig {

		@Bean
		StepHandler stepHandler() {
			return new StepHandler();
		}

		@Bean
		OrderedListenersB orderedListenersB(Events events) {
			return new OrderedListenersB(events);
		}

		@Bean
		OrderedListenersA orderedListenersA(Events events) {
			return new OrderedListenersA(events);
		}

	}

	static class ThrowingListeners {

		private final Events events;

		ThrowingListeners(Events events) {
			this.events = events;
		}

		@OnFinish
		@Order(1)
		void before(StepDone done) {
			this.events.add("step:before");
		}

		@OnFinish
		@Order(2)
		void explode(StepDone done) {
			throw new IllegalStateException("listener exploded for " + done.label());
		}

		@OnFinish
		@Order(3)
		void after(StepDone done) {
			this.events.add("step:after");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ThrowingConfig {

		@Bean
		StepHandler stepHandler() {
			return new StepHandler();
		}

		@Bean
		ThrowingListeners throwingListeners(Events events) {
			return new ThrowingListeners(events);
		}

	}

}
