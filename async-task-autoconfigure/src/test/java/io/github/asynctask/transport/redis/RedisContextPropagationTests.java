package io.github.asynctask.transport.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnTask;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dispatching context travels with a task to the node that runs it: the MDC set where it was dispatched is the
 * handler's MDC on the other node (and gone after), and with observations on, the execution span on the other node
 * is a child of the dispatch span, in the same trace (Micrometer Tracing over Brave, W3C trace context).
 */
class RedisContextPropagationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final String prefix = RedisTestServer.uniquePrefix("context");

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	@AfterEach
	void close() {
		this.nodes.forEach(ConfigurableApplicationContext::close);
		LettuceConnectionFactory factory = RedisTestServer.get().connectionFactory();
		try (RedisConnection connection = factory.getConnection()) {
			RedisTestSupport.deleteKeys(connection, this.prefix);
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void theMdcOfTheDispatcherIsTheHandlersMdcOnTheOtherNodeAndGoneAfter() {
		TaskTemplate origin = start("web", null, "async-task.redis.consume=false").getBean(TaskTemplate.class);
		start("worker", null, "async-task.task-worker-num=1");
		MDC.put("requestId", "req-42");
		String seen;
		try {
			seen = origin.dispatchAndWait(new Probe("with a request id"), WAIT);
		}
		finally {
			MDC.remove("requestId");
		}
		assertThat(seen).isEqualTo("requestId=req-42");
		// the one worker thread that ran it runs the next task without it
		String next = origin.dispatchAndWait(new Probe("without"), WAIT);
		assertThat(next).isEqualTo("requestId=null");
	}

	@Test
	void theExecutionSpanOnTheOtherNodeIsAChildOfTheDispatchSpan() {
		NodeTracing atOrigin = new NodeTracing("web");
		NodeTracing atWorker = new NodeTracing("worker");
		TaskTemplate origin = start("web", atOrigin.registry, "async-task.redis.consume=false",
				"async-task.observations.enabled=true")
			.getBean(TaskTemplate.class);
		start("worker", atWorker.registry, "async-task.observations.enabled=true");
		Observation request = Observation.start("request", atOrigin.registry);
		try (Observation.Scope scope = request.openScope()) {
			origin.dispatchAndWait(new Probe("traced"), WAIT);
		}
		request.stop();
		await().atMost(WAIT).until(() -> atOrigin.of(brave.Span.Kind.PRODUCER).size() == 1
				&& atWorker.of(brave.Span.Kind.CONSUMER).size() == 1);
		MutableSpan requestSpan = atOrigin.spans.stream()
			.filter((span) -> "request".equals(span.name()))
			.findFirst()
			.orElseThrow();
		MutableSpan dispatch = atOrigin.of(brave.Span.Kind.PRODUCER).get(0);
		MutableSpan execution = atWorker.of(brave.Span.Kind.CONSUMER).get(0);
		assertThat(dispatch.traceId()).isEqualTo(requestSpan.traceId());
		assertThat(execution.traceId()).isEqualTo(dispatch.traceId());
		assertThat(execution.parentId()).isEqualTo(dispatch.id());
		assertThat(execution.tags()).containsEntry("task", "Probe").containsEntry("outcome", "SUCCEEDED");
		assertThat(atWorker.of(brave.Span.Kind.PRODUCER)).isEmpty();
		atOrigin.tracing.close();
		atWorker.tracing.close();
	}

	@Test
	void anEntryWithoutTheContextFieldRunsAndOneWithABadContextFieldIsDeadLettered() {
		start("worker", null);
		LettuceConnectionFactory factory = RedisTestServer.get().connectionFactory();
		try (RedisConnection connection = factory.getConnection()) {
			byte[] stream = bytes(this.prefix + ":task:Probe");
			// as written before the field existed, and with a field no async-task node writes
			connection.streamCommands()
				.xAdd(MapRecord.create(stream, Map.of(bytes("o"), bytes("old-node"), bytes("g"), bytes("1"), bytes("i"),
						bytes("7"), bytes("p"), bytes("{\"label\":\"without context\"}"))), XAddOptions.none());
			connection.streamCommands()
				.xAdd(MapRecord.create(stream, Map.of(bytes("o"), bytes("old-node"), bytes("g"), bytes("1"), bytes("i"),
						bytes("8"), bytes("p"), bytes("{\"label\":\"bad context\"}"), bytes("c"), bytes("[1, 2]"))),
						XAddOptions.none());
			await().atMost(WAIT).until(() -> ProbeHandler.RAN.contains("without context"));
			byte[] dead = bytes(this.prefix + ":dead:Probe");
			await().atMost(WAIT).until(() -> connection.streamCommands().xLen(dead) == 1);
			Map<byte[], byte[]> letter = connection.streamCommands()
				.xRange(dead, Range.unbounded(), Limit.unlimited())
				.get(0)
				.getValue();
			String reason = letter.entrySet().stream()
				.filter((field) -> new String(field.getKey(), StandardCharsets.UTF_8).equals("reason"))
				.map((field) -> new String(field.getValue(), StandardCharsets.UTF_8))
				.findFirst()
				.orElseThrow();
			assertThat(reason).startsWith("malformed entry: field 'c' (the dispatching context) is not a JSON object "
					+ "of strings");
			assertThat(ProbeHandler.RAN).doesNotContain("bad context");
		}
		finally {
			factory.destroy();
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private ConfigurableApplicationContext start(String node, ObservationRegistry registry, String... properties) {
		List<String> all = new ArrayList<>(List.of(RedisTestServer.get().springProperties()));
		all.add("async-task.transport=redis");
		all.add("async-task.redis.key-prefix=" + this.prefix);
		all.add("async-task.redis.node-id=" + node + "-" + System.nanoTime());
		all.add("async-task.task-worker-num=2");
		all.add("spring.main.banner-mode=off");
		all.addAll(List.of(properties));
		SpringApplicationBuilder builder = new SpringApplicationBuilder(ContextApplication.class)
			.web(WebApplicationType.NONE)
			.properties(all.toArray(new String[0]));
		if (registry != null) {
			builder.initializers((context) -> context.getBeanFactory().registerSingleton("observationRegistry", registry));
		}
		ConfigurableApplicationContext context = builder.run();
		this.nodes.add(context);
		return context;
	}

	/** One node's tracer, as Spring Boot sets it up with Brave and W3C propagation: its finished spans kept. */
	static final class NodeTracing {

		final List<MutableSpan> spans = new CopyOnWriteArrayList<>();

		final Tracing tracing;

		final ObservationRegistry registry = ObservationRegistry.create();

		NodeTracing(String service) {
			ThreadLocalCurrentTraceContext current = ThreadLocalCurrentTraceContext.newBuilder().build();
			BraveBaggageManager baggage = new BraveBaggageManager();
			this.tracing = Tracing.newBuilder()
				.localServiceName(service)
				.currentTraceContext(current)
				.propagationFactory(new W3CPropagation(baggage, List.of()))
				.addSpanHandler(new SpanHandler() {
					@Override
					public boolean end(brave.propagation.TraceContext context, MutableSpan span, Cause cause) {
						NodeTracing.this.spans.add(span);
						return true;
					}
				})
				.build();
			BraveTracer tracer = new BraveTracer(this.tracing.tracer(), new BraveCurrentTraceContext(current), baggage);
			BravePropagator propagator = new BravePropagator(this.tracing);
			this.registry.observationConfig()
				.observationHandler(new FirstMatchingCompositeObservationHandler(
						new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
						new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
						new DefaultTracingObservationHandler(tracer)));
		}

		List<MutableSpan> of(brave.Span.Kind kind) {
			return this.spans.stream().filter((span) -> span.kind() == kind).toList();
		}

	}

	record Probe(String label) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(ProbeHandler.class)
	static class ContextApplication {

	}

	static class ProbeHandler {

		/** The labels of the probes that ran, over every node of this JVM. */
		static final List<String> RAN = new CopyOnWriteArrayList<>();

		/** What the handler sees of the dispatcher's MDC. */
		@OnTask
		String probe(Probe probe) {
			RAN.add(probe.label());
			return "requestId=" + MDC.get("requestId");
		}

	}

}
