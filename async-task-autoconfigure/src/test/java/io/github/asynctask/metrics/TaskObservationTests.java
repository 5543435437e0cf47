package io.github.asynctask.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.autoconfigure.observation.AsyncTaskObservationAutoConfiguration;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.transport.Kind;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code async.task.dispatch} and {@code async.task.execution} observations, recorded by a
 * {@link TestObservationRegistry}: both exist, the execution is a child of the dispatch, which is a child of what
 * the caller was observing; {@code @OnFinish} runs inside the execution; key values; conventions replaced by beans.
 */
class TaskObservationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(AsyncTaskAutoConfiguration.class, AsyncTaskObservationAutoConfiguration.class))
		.withPropertyValues("async-task.task-worker-num=1", "async-task.observations.enabled=true")
		.withBean(ObservationRegistry.class, () -> this.registry)
		.withBean(Handlers.class);

	@Test
	void dispatchAndExecutionObservationsAsParentAndChild() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Handlers handlers = context.getBean(Handlers.class);
			Observation request = Observation.start("http.server.requests", this.registry);
			long id;
			try (Observation.Scope scope = request.openScope()) {
				id = template.dispatch(new Ok("hello"));
			}
			finally {
				request.stop();
			}
			assertThat(handlers.finished.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			await().atMost(WAIT).untilAsserted(() -> assertThat(this.registry)
				.hasNumberOfObservationsWithNameEqualTo("async.task.execution", 1)
				.hasObservationWithNameEqualTo("async.task.execution")
				.that()
				.hasBeenStopped());

			assertThat(this.registry).hasObservationWithNameEqualTo("async.task.dispatch")
				.that()
				.hasBeenStarted()
				.hasBeenStopped()
				.hasContextualNameEqualTo("Ok dispatch")
				.hasLowCardinalityKeyValue("task", "Ok")
				.hasLowCardinalityKeyValue("outcome", "ACCEPTED")
				.hasLowCardinalityKeyValue("exception", "none")
				.hasHighCardinalityKeyValue("task.id", Long.toString(id))
				.hasParentObservationEqualTo(request);
			assertThat(this.registry).hasObservationWithNameEqualTo("async.task.execution")
				.that()
				.hasContextualNameEqualTo("Ok execute")
				.hasLowCardinalityKeyValue("task", "Ok")
				.hasLowCardinalityKeyValue("outcome", "SUCCEEDED")
				.hasLowCardinalityKeyValue("exception", "none")
				.hasHighCardinalityKeyValue("task.id", Long.toString(id))
				.hasHighCardinalityKeyValue("attempt", "1")
				.hasParentObservation();

			TaskDispatchContext dispatch = context(TaskDispatchContext.class);
			TaskExecutionContext execution = context(TaskExecutionContext.class);
			assertThat(dispatch.getKind()).isEqualTo(Kind.PRODUCER);
			assertThat(execution.getKind()).isEqualTo(Kind.CONSUMER);
			assertThat(execution.getParentObservation()).isNotNull();
			assertThat(execution.getParentObservation().getContextView()).isSameAs(dispatch);
			// the handler and its @OnFinish method ran inside the execution observation
			assertThat(handlers.handlerObservation).isSameAs(execution);
			assertThat(handlers.listenerObservation).isSameAs(execution);
		});
	}

	@Test
	void aFailedTaskNamesItsOutcomeAndException() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			template.dispatch(new Boom());
			await().atMost(WAIT).untilAsserted(() -> assertThat(this.registry)
				.hasObservationWithNameEqualTo("async.task.execution")
				.that()
				.hasBeenStopped()
				.hasLowCardinalityKeyValue("task", "Boom")
				.hasLowCardinalityKeyValue("outcome", "FAILED")
				.hasLowCardinalityKeyValue("exception", "IllegalStateException")
				.hasError());
		});
	}

	@Test
	void aRejectedDispatchIsObservedAsRejected() {
		this.runner.withPropertyValues("async-task.queue-capacity=1", "async-task.when-full=reject").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Handlers handlers = context.getBean(Handlers.class);
			template.dispatch(new Hold());
			assertThat(handlers.holding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			template.dispatch(new Ok("queued"));
			assertThatExceptionOfType(TaskRejectedException.class).isThrownBy(() -> template.dispatch(new Ok("no")));
			handlers.release.countDown();
			assertThat(this.registry).hasAnObservation((observation) -> observation
				.hasNameEqualTo("async.task.dispatch")
				.hasLowCardinalityKeyValue("outcome", "REJECTED")
				.hasLowCardinalityKeyValue("exception", "TaskRejectedException")
				.hasError());
		});
	}

	@Test
	void everyDispatchObservationOfARefusedBatchEnds() {
		AtomicInteger started = new AtomicInteger();
		AtomicInteger stopped = new AtomicInteger();
		this.registry.observationConfig().observationHandler(new ObservationHandler<TaskDispatchContext>() {

			@Override
			public void onStart(TaskDispatchContext context) {
				started.incrementAndGet();
			}

			@Override
			public void onStop(TaskDispatchContext context) {
				stopped.incrementAndGet();
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return context instanceof TaskDispatchContext;
			}

		});
		this.runner.withPropertyValues("async-task.queue-capacity=1", "async-task.when-full=reject").run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			Handlers handlers = context.getBean(Handlers.class);
			template.dispatch(new Hold());
			assertThat(handlers.holding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			// the first is queued, the second refused, the third never sent: the batch is refused whole
			assertThatExceptionOfType(TaskRejectedException.class).isThrownBy(() -> template
				.dispatchAllAndWait(List.of(new Ok("1"), new Ok("2"), new Ok("3")), Duration.ofSeconds(1)));
			handlers.release.countDown();
			assertThat(started).hasValue(4);
			assertThat(stopped).hasValue(4);
		});
	}

	@Test
	void conventionsAreReplacedByBeans() {
		this.runner.withBean(TaskExecutionObservationConvention.class, CustomExecutionConvention::new)
			.withBean(TaskDispatchObservationConvention.class, CustomDispatchConvention::new)
			.run((context) -> {
				context.getBean(TaskTemplate.class).dispatch(new Ok("custom"));
				await().atMost(WAIT).untilAsserted(() -> assertThat(this.registry)
					.hasObservationWithNameEqualTo("custom.execution")
					.that()
					.hasBeenStopped()
					.hasLowCardinalityKeyValue("tenant", "acme"));
				assertThat(this.registry).hasObservationWithNameEqualTo("custom.dispatch");
			});
	}

	@Test
	void offByDefault() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class,
					AsyncTaskObservationAutoConfiguration.class))
			.withBean(ObservationRegistry.class, () -> this.registry)
			.run((context) -> assertThat(context).doesNotHaveBean(TaskObservationInterceptor.class));
	}

	private <C> C context(Class<C> type) {
		List<C> contexts = new ArrayList<>();
		assertThat(this.registry).hasHandledContextsThatSatisfy((handled) -> handled.stream()
			.filter(type::isInstance)
			.map(type::cast)
			.forEach(contexts::add));
		assertThat(contexts).hasSize(1);
		return contexts.get(0);
	}

	record Ok(String text) {
	}

	record Boom() {
	}

	record Hold() {
	}

	static class Handlers {

		final CountDownLatch finished = new CountDownLatch(1);

		final CountDownLatch holding = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final Queue<String> seen = new ConcurrentLinkedQueue<>();

		volatile Observation.ContextView handlerObservation;

		volatile Observation.ContextView listenerObservation;

		private final ObservationRegistry registry;

		Handlers(ObservationRegistry registry) {
			this.registry = registry;
		}

		@OnTask
		String ok(Ok job) {
			Observation current = this.registry.getCurrentObservation();
			if (current != null && "hello".equals(job.text())) {
				this.handlerObservation = current.getContextView();
			}
			return job.text();
		}

		@OnTask
		void boom(Boom job) {
			throw new IllegalStateException("on purpose");
		}

		@OnTask
		void hold(Hold job) throws InterruptedException {
			this.holding.countDown();
			this.release.await(30, TimeUnit.SECONDS);
		}

		@OnFinish("Ok")
		void okEnded(TaskResult<?> result) {
			if ("hello".equals(result.value())) {
				Observation current = this.registry.getCurrentObservation();
				this.listenerObservation = (current != null) ? current.getContextView() : null;
				this.finished.countDown();
			}
		}

	}

	static class CustomExecutionConvention extends DefaultTaskExecutionObservationConvention {

		@Override
		public String getName() {
			return "custom.execution";
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(TaskExecutionContext context) {
			return super.getLowCardinalityKeyValues(context).and(KeyValue.of("tenant", "acme"));
		}

	}

	static class CustomDispatchConvention extends DefaultTaskDispatchObservationConvention {

		@Override
		public String getName() {
			return "custom.dispatch";
		}

	}

}
