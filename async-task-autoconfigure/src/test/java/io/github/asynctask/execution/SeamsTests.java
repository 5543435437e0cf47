package io.github.asynctask.execution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.dispatch.Admission;
import io.github.asynctask.dispatch.Routing;
import io.github.asynctask.dispatch.TaskDispatcher;
import io.github.asynctask.handler.TaskHandler;
import io.github.asynctask.server.DefaultTaskServer;
import io.github.asynctask.transport.local.LocalTransport;
import io.github.asynctask.transport.TaskTransport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seams later features plug into: an interceptor, an observer, a transport and a dispatcher of the
 * application's own, each added as a bean, none touching the worker loop.
 */
class SeamsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
		.withPropertyValues("async-task.task-worker-num=1");

	@Test
	void interceptorsWrapDispatchInvocationAndDeliveryInOrderOnTheRightThreads() {
		this.runner.withUserConfiguration(InterceptorConfig.class).run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Handlers handlers = context.getBean(Handlers.class);
			String caller = Thread.currentThread().getName();
			template.dispatch(new Greet("ada"));
			await().atMost(WAIT).until(() -> handlers.finished.size() == 1);
			List<String> trace = context.getBean(Trace.class).events;
			assertThat(trace).containsExactly("outer.dispatch@" + caller, "inner.dispatch@" + caller,
					"outer.before@async-task-worker-0", "inner.before@async-task-worker-0",
					"handler@async-task-worker-0", "inner.after@async-task-worker-0",
					"outer.after@async-task-worker-0", "outer.deliver", "inner.deliver", "listener", "inner.delivered",
					"outer.delivered");
			assertThat(handlers.finished).containsExactly("hello ada (outer slot 0 saw ada)");
			// the interceptor that does not apply to Silent is not in its chain
			template.dispatch(new Silent());
			await().atMost(WAIT).until(() -> handlers.silent.get() == 1);
			assertThat(trace).filteredOn((event) -> event.startsWith("inner")).hasSize(5);
		});
	}

	@Test
	void anObserverHearsEveryEventOnceAndTheCountersAgree() {
		this.runner.withUserConfiguration(ObserverConfig.class)
			.withPropertyValues("async-task.queue-capacity=1", "async-task.when-full=reject")
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				CountingObserver observer = context.getBean(CountingObserver.class);
				assertThat(template.<String>dispatchAndWait(new Greet("a"), WAIT)).isEqualTo("hello a");
				template.dispatch(new Boom());
				await().atMost(WAIT).until(() -> observer.count("finished") == 2);
				assertThat(observer.count("dispatched")).isEqualTo(2);
				assertThat(observer.count("started")).isEqualTo(2);
				assertThat(observer.count("listenerFailed")).isEqualTo(1); // Handlers.boom's listener throws
				TaskHandler greet = context.getBean(io.github.asynctask.handler.TaskHandlerRegistry.class)
					.handler("Greet");
				assertThat(greet.counters().dispatchedCount()).isEqualTo(1);
				assertThat(greet.counters().completedCount(TaskStatus.SUCCEEDED)).isEqualTo(1);
				assertThat(observer.statuses).containsExactlyInAnyOrder("Greet SUCCEEDED", "Boom FAILED");
			});
	}

	@Test
	void aTransportOfTheApplicationsOwnCarriesEveryTask() {
		this.runner.withUserConfiguration(TransportConfig.class).run((context) -> {
			assertThat(context).doesNotHaveBean(LocalTransport.class).hasSingleBean(DefaultTaskServer.class);
			TaskTemplate template = context.getBean(TaskTemplate.class);
			assertThat(template.<String>dispatchAndWait(new Greet("bob"), WAIT)).isEqualTo("hello bob");
			List<TaskResult<String>> results = template.dispatchAllAndWait(List.of(new Greet("c"), new Greet("d")),
					WAIT);
			assertThat(results).extracting(TaskResult::value).containsExactly("hello c", "hello d");
			assertThat(context.getBean(CallerTransport.class).sent).hasSize(3);
			assertThat(context.getBean(TaskServer.class).stats().completed()).isEqualTo(3);
		});
	}

	@Test
	void aDispatcherOfTheApplicationsOwnMakesTheServerBackOffAndTheTemplateUseIt() {
		this.runner.withUserConfiguration(DispatcherConfig.class).run((context) -> {
			assertThat(context).doesNotHaveBean(DefaultTaskServer.class).hasSingleBean(TaskTemplate.class);
			RecordingDispatcher dispatcher = context.getBean(RecordingDispatcher.class);
			long id = context.getBean(TaskTemplate.class).withKey("k").dispatch(new Greet("x"));
			assertThat(id).isEqualTo(42);
			assertThat(dispatcher.calls).containsExactly("Greet key k POLICY");
		});
	}

	// handlers

	record Greet(String name) {
	}

	record Silent() {
	}

	record Boom() {
	}

	static class Handlers {

		final List<String> finished = new CopyOnWriteArrayList<>();

		final AtomicInteger silent = new AtomicInteger();

		@OnTask
		String greet(Greet greet, io.github.asynctask.TaskContext context) {
			Object seen = ((Task) context).attribute(0);
			Trace trace = Trace.current;
			if (trace != null) {
				trace.events.add("handler@" + Thread.currentThread().getName());
			}
			return "hello " + greet.name() + ((seen != null) ? " (outer slot 0 saw " + seen + ")" : "");
		}

		@OnTask
		void silent(Silent silent) {
			this.silent.incrementAndGet();
		}

		@OnTask
		void boom(Boom boom) {
			throw new IllegalStateException("boom");
		}

		@OnFinish("Greet")
		void greeted(String greeting) {
			Trace trace = Trace.current;
			if (trace != null) {
				trace.events.add("listener");
			}
			this.finished.add(greeting);
		}

		@OnFinish("Boom")
		void boomed(TaskResult<?> result) {
			throw new IllegalStateException("listener of " + result.taskName());
		}

	}

	// interceptors

	static class Trace {

		static volatile @Nullable Trace current;

		final List<String> events = new CopyOnWriteArrayList<>();

		Trace() {
			current = this;
		}

	}

	static class Recording implements TaskInterceptor {

		private final String name;

		private final Trace trace;

		private final boolean everyHandler;

		Recording(String name, Trace trace, boolean everyHandler) {
			this.name = name;
			this.trace = trace;
			this.everyHandler = everyHandler;
		}

		@Override
		public boolean appliesTo(TaskHandler handler) {
			return this.everyHandler || !handler.name().equals("Silent");
		}

		@Override
		public void onDispatch(Task task, int slot) {
			if (task.payload() instanceof Greet greet && this.name.equals("outer")) {
				task.attribute(slot, greet.name());
			}
			record("dispatch@" + Thread.currentThread().getName(), task);
		}

		@Override
		public @Nullable Object aroundInvoke(Task task, int slot, TaskInvocation next) throws Throwable {
			record("before@" + Thread.currentThread().getName(), task);
			Object result = next.proceed();
			record("after@" + Thread.currentThread().getName(), task);
			return result;
		}

		@Override
		public void aroundDelivery(Task task, int slot, Runnable delivery) {
			record("deliver", task);
			delivery.run();
			record("delivered", task);
		}

		private void record(String event, Task task) {
			if (!(task.payload() instanceof Silent) || this.everyHandler) {
				this.trace.events.add(this.name + "." + event);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InterceptorConfig {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

		@Bean
		Trace trace() {
			return new Trace();
		}

		@Bean
		@Order(2)
		TaskInterceptor inner(Trace trace) {
			return new Recording("inner", trace, false);
		}

		@Bean
		@Order(1)
		TaskInterceptor outer(Trace trace) {
			return new Recording("outer", trace, true);
		}

	}

	// observer

	static class CountingObserver implements TaskObserver {

		final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

		final List<String> statuses = new CopyOnWriteArrayList<>();

		int count(String event) {
			AtomicInteger count = this.counts.get(event);
			return (count != null) ? count.get() : 0;
		}

		private void count(String event, Object ignored) {
			this.counts.computeIfAbsent(event, (key) -> new AtomicInteger()).incrementAndGet();
		}

		@Override
		public void dispatched(Task task) {
			count("dispatched", task);
		}

		@Override
		public void started(Task task) {
			count("started", task);
		}

		@Override
		public void finished(Task task) {
			this.statuses.add(task.taskName() + " " + task.status());
			count("finished", task);
		}

		@Override
		public void listenerFailed(Task task, Throwable error) {
			count("listenerFailed", task);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ObserverConfig {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

		@Bean
		CountingObserver countingObserver() {
			return new CountingObserver();
		}

	}

	// transport

	/** Runs every task on its caller: the smallest transport there is. */
	static class CallerTransport implements TaskTransport {

		private final TaskRunner runner;

		final List<Long> sent = new CopyOnWriteArrayList<>();

		CallerTransport(TaskRunner runner) {
			this.runner = runner;
		}

		@Override
		public String name() {
			return "caller";
		}

		@Override
		public boolean send(Task task, Admission admission) {
			this.sent.add(task.taskId());
			if (task.isHeld()) {
				// a batch task may run only once its batch is accepted whole: run it then, on another thread
				new Thread(() -> {
					await().atMost(WAIT).until(() -> !task.isHeld());
					run(task);
				}).start();
				return true;
			}
			run(task);
			return true;
		}

		private void run(Task task) {
			if (task.tryStart(-1, System.nanoTime())) {
				this.runner.run(task, null);
			}
		}

		@Override
		public boolean cancel(long taskId) {
			return false;
		}

		@Override
		public void withdraw(Task task) {
			task.tryWithdraw();
		}

		@Override
		public void validate(Routing routing) {
		}

		@Override
		public void start() {
		}

		@Override
		public boolean drain(long deadlineNanos) {
			return true;
		}

		@Override
		public int cancelQueued(String reason) {
			return 0;
		}

		@Override
		public void terminate(Duration grace) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TransportConfig {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

		@Bean
		CallerTransport callerTransport(TaskRunner runner) {
			return new CallerTransport(runner);
		}

	}

	// dispatcher

	static class RecordingDispatcher implements TaskDispatcher {

		final List<String> calls = new ArrayList<>();

		@Override
		public long dispatch(TaskHandler handler, Object payload, @Nullable TaskCallback<?> callback, Routing routing,
				Admission admission) {
			this.calls.add(handler.name() + " " + routing + " " + admission);
			return 42;
		}

		@Override
		public long[] dispatchAll(TaskHandler[] handlers, List<?> payloads,
				java.util.function.IntFunction<? extends TaskCallback<?>> callbacks, Routing routing) {
			return new long[handlers.length];
		}

		@Override
		public boolean cancel(long taskId) {
			return false;
		}

		@Override
		public void validate(Routing routing) {
		}

		@Override
		public void resultDropped(TaskHandler handler) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DispatcherConfig {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

		@Bean
		RecordingDispatcher recordingDispatcher() {
			return new RecordingDispatcher();
		}

	}

}
