package io.github.asynctask.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.autoconfigure.observation.AsyncTaskObservationAutoConfiguration;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With a tracer behind the observations (Micrometer Tracing's handlers, as Spring Boot installs them with a tracing
 * bridge), a task's spans continue the trace of the request that dispatched it: request -> dispatch (producer) ->
 * execution (consumer), and the handler and its {@code @OnFinish} method run in the execution's span.
 */
class TaskTracingTests {

	private final SimpleTracer tracer = new SimpleTracer();

	private final ObservationRegistry registry = ObservationRegistry.create();

	TaskTracingTests() {
		Propagator propagator = new HeaderPropagator(this.tracer);
		this.registry.observationConfig()
			.observationHandler(new FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(this.tracer, propagator),
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, propagator),
					new DefaultTracingObservationHandler(this.tracer)));
	}

	@Test
	void theExecutionSpanIsAChildOfTheDispatchSpanWhichIsAChildOfTheRequest() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class,
					AsyncTaskObservationAutoConfiguration.class))
			.withPropertyValues("async-task.task-worker-num=1", "async-task.observations.enabled=true")
			.withBean(ObservationRegistry.class, () -> this.registry)
			.withBean(Handler.class, () -> new Handler(this.tracer))
			.run((context) -> {
				Observation request = Observation.start("http.server.requests", this.registry);
				try (Observation.Scope scope = request.openScope()) {
					context.getBean(TaskTemplate.class).dispatch(new Work());
				}
				request.stop();
				Handler handler = context.getBean(Handler.class);
				assertThat(handler.finished.await(10, TimeUnit.SECONDS)).isTrue();
				await().atMost(Duration.ofSeconds(10)).until(() -> this.tracer.getSpans().size() == 3
						&& this.tracer.getSpans().stream().allMatch((span) -> span.getEndTimestamp().toEpochMilli() > 0));

				SimpleSpan requestSpan = span("http.server.requests");
				SimpleSpan dispatch = span("Work dispatch");
				SimpleSpan execution = span("Work execute");
				assertThat(dispatch.getKind()).isEqualTo(Span.Kind.PRODUCER);
				assertThat(execution.getKind()).isEqualTo(Span.Kind.CONSUMER);
				assertThat(dispatch.getTraceId()).isEqualTo(requestSpan.getTraceId());
				assertThat(execution.getTraceId()).isEqualTo(requestSpan.getTraceId());
				assertThat(dispatch.getParentId()).isEqualTo(requestSpan.getSpanId());
				assertThat(execution.getParentId()).isEqualTo(dispatch.getSpanId());
				assertThat(handler.inHandler).isEqualTo(execution.getSpanId());
				assertThat(handler.inOnFinish).isEqualTo(execution.getSpanId());
				assertThat(execution.getTags()).containsEntry("task", "Work").containsEntry("outcome", "SUCCEEDED");
			});
	}

	private SimpleSpan span(String name) {
		List<SimpleSpan> spans = this.tracer.getSpans().stream().filter((span) -> name.equals(span.getName())).toList();
		assertThat(spans).as("spans named %s among %s", name, this.tracer.getSpans()).hasSize(1);
		return spans.get(0);
	}

	record Work() {
	}

	static class Handler {

		final CountDownLatch finished = new CountDownLatch(1);

		private final SimpleTracer tracer;

		volatile String inHandler;

		volatile String inOnFinish;

		Handler(SimpleTracer tracer) {
			this.tracer = tracer;
		}

		@OnTask
		String work(Work work) {
			this.inHandler = this.tracer.currentSpan().context().spanId();
			return "done";
		}

		@OnFinish("Work")
		void finished(String result) {
			this.inOnFinish = this.tracer.currentSpan().context().spanId();
			this.finished.countDown();
		}

	}

	/** Writes and reads a trace context as two headers, as B3 or W3C propagation would. */
	static final class HeaderPropagator implements Propagator {

		private final SimpleTracer tracer;

		HeaderPropagator(SimpleTracer tracer) {
			this.tracer = tracer;
		}

		@Override
		public List<String> fields() {
			return List.of("trace-id", "span-id");
		}

		@Override
		public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
			setter.set(carrier, "trace-id", context.traceId());
			setter.set(carrier, "span-id", context.spanId());
		}

		@Override
		public <C> Span.Builder extract(C carrier, Getter<C> getter) {
			String traceId = getter.get(carrier, "trace-id");
			String spanId = getter.get(carrier, "span-id");
			Span.Builder builder = this.tracer.spanBuilder();
			if (traceId == null || spanId == null) {
				return builder.setNoParent();
			}
			return builder.setParent(
					this.tracer.traceContextBuilder().traceId(traceId).spanId(spanId).sampled(true).build());
		}

	}

}
