package io.github.asynctask.actuate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.handler.TaskCounters;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.server.DefaultTaskServer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.util.StreamUtils;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code asynctask} endpoint and the {@code asyncTask} health component over real HTTP, the health moving
 * {@code UP} -> {@code OUT_OF_SERVICE} (queues over the threshold) -> {@code UP} -> {@code OUT_OF_SERVICE}
 * (draining) -> {@code DOWN}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "async-task.task-worker-num=1", "async-task.queue-capacity=4",
				"async-task.health.queue-fill-threshold=0.75",
				"management.endpoints.web.exposure.include=asynctask,health",
				"management.endpoint.health.show-details=always" })
@DirtiesContext
class AsyncTaskActuatorWebTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private TaskTemplate template;

	@Autowired
	private TaskServer server;

	@Autowired
	private Handlers handlers;

	@Autowired
	private TaskHandlerRegistry registry;

	@Test
	void endpointDescribesTheServerItsWorkersAndItsHandlers() throws Exception {
		this.template.<String>submit(new Greeting("hello")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
		long later = this.template.after(Duration.ofHours(1)).dispatch(new Greeting("later"), (result) -> {
		});
		Response response = get("/actuator/asynctask");
		assertThat(this.template.cancel(later)).isTrue();
		assertThat(response.status()).isEqualTo(200);
		Object json = JsonPath.parse(response.body()).json();
		assertThat(JsonPath.<String>read(json, "$.transport")).isEqualTo("local");
		assertThat(JsonPath.<Integer>read(json, "$.taskWorkerNum")).isEqualTo(1);
		assertThat(JsonPath.<String>read(json, "$.dispatchMode")).isEqualTo("idle-first");
		assertThat(JsonPath.<Boolean>read(json, "$.running")).isTrue();
		assertThat(JsonPath.<Integer>read(json, "$.stats.dispatched")).isGreaterThanOrEqualTo(1);
		assertThat(JsonPath.<Map<String, Object>>read(json, "$.stats")).containsOnlyKeys("dispatched", "completed",
				"failed", "taskingNum", "idleWorkerNum", "queuedNum", "scheduledNum");
		assertThat(JsonPath.<Integer>read(json, "$.stats.scheduledNum")).isEqualTo(1);
		assertThat(JsonPath.<List<Map<String, Object>>>read(json, "$.workers")).singleElement()
			.satisfies((worker) -> assertThat(worker).containsOnlyKeys("id", "busy", "queued", "processed", "failed",
					"restarts")
				.containsEntry("id", 0));
		List<Map<String, Object>> handlers = JsonPath.read(json, "$.handlers");
		assertThat(handlers).extracting((handler) -> handler.get("task")).containsExactlyInAnyOrder("Greeting", "Hold");
		Map<String, Object> greeting = handlers.stream().filter((h) -> h.get("task").equals("Greeting")).findFirst()
			.orElseThrow();
		assertThat(greeting).containsEntry("payloadType", Greeting.class.getName())
			.containsEntry("resultType", "java.lang.String")
			.containsEntry("bean", "handlers")
			.containsEntry("method", "greet(Greeting)")
			.containsEntry("finishListeners", List.of("handlers#greeted(TaskResult)"));
		// a task's end is counted just after its outcome is delivered: wait until the counts stand still
		TaskCounters counters = this.registry.handler("Greeting").counters(); // the other test may run first
		await().atMost(WAIT).until(() -> counters.completedCount() == counters.dispatchedCount());
		Object tasks = JsonPath.parse(get("/actuator/asynctask").body()).json();
		Map<String, Object> greetings = JsonPath.<List<Map<String, Object>>>read(tasks, "$.tasks").stream()
			.filter((task) -> task.get("task").equals("Greeting"))
			.findFirst()
			.orElseThrow();
		assertThat(greetings).containsEntry("dispatched", (int) counters.dispatchedCount())
			.containsEntry("completed", (int) counters.completedCount())
			.containsEntry("failed", (int) (counters.completedCount() - counters.completedCount(TaskStatus.SUCCEEDED)))
			.containsEntry("retries", 0)
			.containsKey("meanRunTimeMillis")
			.doesNotContainKey("results"); // outcomes received from other nodes: redis mode only
		assertThat(counters.completedCount(TaskStatus.SUCCEEDED)).isPositive();
		assertThat(JsonPath.<Map<String, Object>>read(json, "$")).doesNotContainKeys("throughput", "redis");
	}

	@Test
	void healthMovesFromUpToOutOfServiceToDown() throws Exception {
		Response up = get("/actuator/health/asyncTask");
		assertThat(up.status()).isEqualTo(200);
		assertThat(JsonPath.<String>read(up.body(), "$.status")).isEqualTo("UP");
		assertThat(JsonPath.<Map<String, Object>>read(up.body(), "$.details")).containsKeys("workers", "idleWorkers",
				"queued", "queueFill");

		// the queues over the threshold: 3 of 4 slots
		Hold first = new Hold();
		this.template.dispatch(first);
		assertThat(first.started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		List<Long> queued = List.of(this.template.dispatch(new Greeting("a")), this.template.dispatch(new Greeting("b")),
				this.template.dispatch(new Greeting("c")));
		Response full = get("/actuator/health/asyncTask");
		assertThat(full.status()).isEqualTo(503);
		assertThat(JsonPath.<String>read(full.body(), "$.status")).isEqualTo("OUT_OF_SERVICE");
		assertThat(JsonPath.<Integer>read(full.body(), "$.details.queued")).isEqualTo(3);
		assertThat(JsonPath.<Double>read(full.body(), "$.details.queueFill")).isEqualTo(0.75);
		queued.forEach(this.template::cancel);
		assertThat(JsonPath.<String>read(get("/actuator/health/asyncTask").body(), "$.status")).isEqualTo("UP");

		// draining: a stop waits for the running task
		DefaultTaskServer server = (DefaultTaskServer) this.server;
		CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::stop);
		await().atMost(WAIT).until(server::isDraining);
		Response draining = get("/actuator/health/asyncTask");
		assertThat(draining.status()).isEqualTo(503);
		assertThat(JsonPath.<String>read(draining.body(), "$.status")).isEqualTo("OUT_OF_SERVICE");
		assertThat(JsonPath.<String>read(draining.body(), "$.details.state")).isEqualTo("draining");
		first.release.countDown();
		stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		Response down = get("/actuator/health/asyncTask");
		assertThat(down.status()).isEqualTo(503);
		assertThat(JsonPath.<String>read(down.body(), "$.status")).isEqualTo("DOWN");
		assertThat(JsonPath.<Boolean>read(get("/actuator/asynctask").body(), "$.running")).isFalse();
		server.start();
		assertThat(JsonPath.<String>read(get("/actuator/health/asyncTask").body(), "$.status")).isEqualTo("UP");
	}

	private Response get(String path) {
		return RestClient.create("http://localhost:" + this.port)
			.get()
			.uri(path)
			.exchange((request, response) -> new Response(response.getStatusCode().value(), body(response.getBody())));
	}

	private static String body(java.io.InputStream in) throws IOException {
		return StreamUtils.copyToString(in, StandardCharsets.UTF_8);
	}

	record Response(int status, String body) {
	}

	record Greeting(String text) {
	}

	static final class Hold {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

	}

	static class Handlers {

		@OnTask
		String greet(Greeting greeting) {
			return "hello " + greeting.text();
		}

		@OnTask
		void hold(Hold hold) throws InterruptedException {
			hold.started.countDown();
			hold.release.await(30, TimeUnit.SECONDS);
		}

		@OnFinish("Greeting")
		void greeted(TaskResult<?> result) {
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

	}

}
