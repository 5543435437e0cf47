package io.github.asynctask.actuate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.actuate.ClusterFixture.Job;
import io.github.asynctask.actuate.ClusterFixture.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.connection.stream.MapRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code asynctask} endpoint's cluster view and dead-letter operations over HTTP, on a real Redis, with dead
 * letters made the honest way (see {@link ClusterFixture}): listed, redriven and run once, deleted; write operations
 * refused with the endpoint's default access; the health indicator telling that Redis is reachable.
 */
class AsyncTaskClusterWebTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static ClusterFixture cluster;

	@BeforeAll
	static void startCluster() {
		cluster = new ClusterFixture("cluster-web", "api-redrive", "api-keep");
	}

	@AfterAll
	static void stopCluster() throws Exception {
		cluster.close();
	}

	@Test
	void aTaskWhoseConsumerDiedIsDeadLetteredAndItsDispatcherToldSo() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> cluster.deadLettered.get("api-keep").get(WAIT.toSeconds(), TimeUnit.SECONDS))
			.havingRootCause()
			.withMessageContaining("dead-lettered to " + cluster.prefix + ":dead:Job")
			.withMessageContaining("delivered 2 times, more than async-task.redis.max-deliveries=1");
		assertThat(ClusterFixture.runs("api-keep")).isZero();
	}

	@Test
	void showsTheNodesTheStreamsAndTheUnknownStreams() throws Exception {
		try (RedisConnection connection = cluster.connection()) {
			connection.streamCommands()
				.xAdd(MapRecord.create(bytes(cluster.prefix + ":task:Renamed"), Map.of(bytes("p"), bytes("{}"))),
						XAddOptions.none());
		}
		awaitDeadLetters(2);
		// the worker reads its stream all the time: it is seen as a live node consuming Job
		await().atMost(WAIT).untilAsserted(() -> {
			Object json = JsonPath.parse(ClusterFixture.get(cluster.web, "/actuator/asynctask").body()).json();
			assertThat(JsonPath.<String>read(json, "$.transport")).isEqualTo("redis");
			assertThat(JsonPath.<String>read(json, "$.redis.keyPrefix")).isEqualTo(cluster.prefix);
			assertThat(JsonPath.<String>read(json, "$.redis.node")).isEqualTo("web");
			assertThat(JsonPath.<List<String>>read(json, "$.redis.unknownStreams")).containsExactly("Renamed");
			assertThat(JsonPath.<List<String>>read(json, "$.redis.nodes[?(@.id == 'worker')].consuming[*]"))
				.containsExactly("Job");
			assertThat(JsonPath.<List<String>>read(json, "$.redis.nodes[*].lastSeen")).allSatisfy(
					(lastSeen) -> assertThat(java.time.Instant.parse(lastSeen)).isBefore(java.time.Instant.now().plusSeconds(5)));
			Map<String, Object> job = JsonPath.read(json, "$.redis.streams.Job");
			assertThat(job).containsOnlyKeys("length", "pending", "lag", "consumers", "delayed", "overdueMillis",
					"deadLetters");
			assertThat(job).containsEntry("pending", 0).containsEntry("lag", 0).containsEntry("delayed", 0)
				.containsEntry("overdueMillis", 0);
			assertThat((Integer) job.get("deadLetters")).isGreaterThanOrEqualTo(1);
			assertThat((Integer) job.get("consumers")).isGreaterThanOrEqualTo(1);
			// the web node dispatched both dead-lettered jobs and ran nothing: their FAILED outcomes came back to it,
			// counted as results (in the task's row and, with the dashboard on, in the throughput ring), not as
			// completed ones, which the worker counted
			assertThat(JsonPath.<List<Integer>>read(json, "$.tasks[?(@.task == 'Job')].results")).containsExactly(2);
			assertThat(JsonPath.<List<Integer>>read(json, "$.tasks[?(@.task == 'Job')].completed")).containsExactly(0);
			assertThat(JsonPath.<List<Integer>>read(json, "$.throughput.results").stream().mapToInt(Integer::intValue)
				.sum()).isEqualTo(2);
		});
		Response health = ClusterFixture.get(cluster.web, "/actuator/health/asyncTask");
		assertThat(JsonPath.<String>read(health.body(), "$.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(health.body(), "$.details.redis")).isEqualTo("reachable");
	}

	@Test
	void listsRedrivesAndRunsADeadLetterOnce() throws Exception {
		awaitDeadLetters(1);
		await().atMost(WAIT).until(() -> !cluster.deadLetterIds("api-redrive").isEmpty());
		Response list = ClusterFixture.get(cluster.web, "/actuator/asynctask/dead-letters/Job");
		assertThat(list.status()).isEqualTo(200);
		List<Map<String, Object>> letters = JsonPath.read(list.body(), "$[?(@.payload =~ /.*api-redrive.*/)]");
		assertThat(letters).singleElement().satisfies((letter) -> {
			assertThat(letter).containsKeys("id", "entryId", "reason", "deliveries", "dispatchedAt", "node", "payload");
			assertThat(letter.get("id")).isEqualTo(cluster.deadLetterIds("api-redrive").get(0));
			assertThat((String) letter.get("reason")).isEqualTo("delivered 2 times, more than "
					+ "async-task.redis.max-deliveries=1");
			assertThat(letter).containsEntry("deliveries", 2).containsEntry("node", "worker");
			assertThat((String) letter.get("payload")).isEqualTo("{\"label\":\"api-redrive\"}");
		});
		String id = (String) letters.get(0).get("id");
		assertThat(ClusterFixture.runs("api-redrive")).isZero();

		Response redriven = ClusterFixture.post(cluster.web, "/actuator/asynctask/dead-letters/Job",
				"{\"action\": \"redrive\", \"ids\": \"" + id + "\"}");
		assertThat(redriven.status()).isEqualTo(200);
		assertThat(JsonPath.<Integer>read(redriven.body(), "$.count")).isEqualTo(1);
		await().atMost(WAIT).until(() -> ClusterFixture.runs("api-redrive") == 1);
		assertThat(cluster.deadLetterIds("api-redrive")).isEmpty();
		// the marker behind it has run: the redriven task did not run a second time
		TaskTemplate template = cluster.web.getBean(TaskTemplate.class);
		assertThat(template.submit(new Job("marker-1")).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("done marker-1");
		assertThat(ClusterFixture.runs("api-redrive")).isEqualTo(1);
		assertThat(cluster.deadLetterIds("api-keep")).hasSize(1);
	}

	@Test
	void deletesDeadLetters() throws Exception {
		// an entry no node can read (no origin, no id) is dead-lettered as malformed
		try (RedisConnection connection = cluster.connection()) {
			connection.streamCommands()
				.xAdd(MapRecord.create(bytes(cluster.prefix + ":task:Job"), Map.of(bytes("p"), bytes("\"to-delete\""))),
						XAddOptions.none());
		}
		await().atMost(WAIT).until(() -> cluster.deadLetterIds("to-delete").size() == 1);
		List<Map<String, Object>> letters = JsonPath.read(
				ClusterFixture.get(cluster.web, "/actuator/asynctask/dead-letters/Job").body(),
				"$[?(@.payload =~ /.*to-delete.*/)]");
		assertThat(letters).singleElement()
			.satisfies((letter) -> assertThat((String) letter.get("reason")).startsWith("malformed entry: field 'o'"));
		Response deleted = ClusterFixture.post(cluster.web, "/actuator/asynctask/dead-letters/Job",
				"{\"action\": \"delete\", \"ids\": \"" + letters.get(0).get("id") + ", 1-0\"}");
		assertThat(deleted.status()).isEqualTo(200);
		assertThat(JsonPath.<Integer>read(deleted.body(), "$.count")).isEqualTo(1);
		assertThat(cluster.deadLetterIds("to-delete")).isEmpty();
		assertThat(ClusterFixture.runs("to-delete")).isZero();
	}

	@Test
	void metersCountDeadLettersWhereTheyHappenAndReadTheStreamsInTheBackground() {
		MeterRegistry worker = cluster.worker.getBean(MeterRegistry.class);
		await().atMost(WAIT).untilAsserted(() -> {
			Counter counter = worker.find("async.task.dead.lettered").tags("task", "Job", "reason", "max-deliveries")
				.counter();
			assertThat(counter).isNotNull();
			assertThat(counter.count()).isEqualTo(2);
		});
		MeterRegistry web = cluster.web.getBean(MeterRegistry.class);
		assertThat(web.find("async.task.dead.lettered").counters()).isEmpty();
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(web.get("async.task.nodes").gauge().value()).isGreaterThanOrEqualTo(1);
			assertThat(web.get("async.task.stream.length").tag("task", "Job").gauge().value()).isNotNaN();
			assertThat(web.get("async.task.stream.pending").tag("task", "Job").gauge().value()).isNotNaN();
			assertThat(web.get("async.task.stream.lag").tag("task", "Job").gauge().value()).isNotNaN();
			assertThat(web.get("async.task.stream.delayed").tag("task", "Job").gauge().value()).isZero();
			assertThat(web.get("async.task.stream.overdue").tag("task", "Job").gauge().value()).isZero();
		});
	}

	@Test
	void badRequestsAreRefusedNamingTheProblem() {
		Response action = ClusterFixture.post(cluster.web, "/actuator/asynctask/dead-letters/Job",
				"{\"action\": \"replay\"}");
		assertThat(action.status()).isEqualTo(400);
		assertThat(action.body()).contains("Unknown action 'replay'");
		Response id = ClusterFixture.post(cluster.web, "/actuator/asynctask/dead-letters/Job",
				"{\"action\": \"delete\", \"ids\": \"nope\"}");
		assertThat(id.status()).isEqualTo(400);
		assertThat(id.body()).contains("'nope' is no dead letter id");
		Response task = ClusterFixture.get(cluster.web, "/actuator/asynctask/dead-letters/Nothing");
		assertThat(task.status()).isEqualTo(400);
		assertThat(task.body()).contains("No task named 'Nothing'");
	}

	@Test
	void writeOperationsAreRefusedWithTheDefaultAccess() {
		awaitDeadLetters(1);
		Response list = ClusterFixture.get(cluster.readOnly, "/actuator/asynctask/dead-letters/Job");
		assertThat(list.status()).isEqualTo(200);
		int before = JsonPath.<List<?>>read(list.body(), "$").size();
		Response redrive = ClusterFixture.post(cluster.readOnly, "/actuator/asynctask/dead-letters/Job",
				"{\"action\": \"delete\"}");
		assertThat(redrive.status()).isBetween(400, 499);
		assertThat(JsonPath.<List<?>>read(
				ClusterFixture.get(cluster.readOnly, "/actuator/asynctask/dead-letters/Job").body(), "$"))
			.hasSize(before);
	}

	private static void awaitDeadLetters(int atLeast) {
		await().atMost(WAIT).until(() -> cluster.deadLetterIds("api-").size() >= atLeast);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
