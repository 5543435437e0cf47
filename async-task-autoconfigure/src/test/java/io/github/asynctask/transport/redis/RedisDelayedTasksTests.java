package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import io.github.asynctask.transport.redis.RedisNodes.Job;
import io.github.asynctask.transport.redis.RedisNodes.Receipt;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delayed tasks in redis mode: they wait in Redis ({@code <prefix>:delayed:{<stream key>}}, a sorted set by due time on
 * Redis's clock), are moved to their stream when due by whichever consuming node gets there first, exactly once, and
 * survive the restart of every node.
 */
class RedisDelayedTasksTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Test
	void aDelayedTaskWaitsInRedisAndRunsNoEarlierThanItsTime() {
		try (RedisNodes nodes = new RedisNodes("delayed-time"); Keys keys = new Keys(nodes.prefix, "Echo")) {
			ConfigurableApplicationContext origin = nodes.start("web-" + nodes.prefix, "async-task.redis.consume=false");
			ConfigurableApplicationContext worker = nodes.start("worker-" + nodes.prefix);
			TaskTemplate tasks = RedisNodes.template(origin);
			long dispatched = System.currentTimeMillis();
			CompletableFuture<Receipt> later = tasks.after(Duration.ofMillis(1500)).submit(new Echo("later"));
			// written to the delayed set, not to the stream
			await().atMost(WAIT).until(() -> keys.delayed() == 1);
			assertThat(keys.streamLength()).isZero();
			// the earliest due time of its set: the dispatch-only node woke the worker's mover through the channel
			await().atMost(WAIT).until(() -> RedisNodes.transport(worker).delayedWakeups() >= 1);
			await().atMost(WAIT).until(() -> origin.getBean(TaskServer.class).stats().scheduledNum() == 1);
			Receipt receipt = later.join();
			assertThat(System.currentTimeMillis() - dispatched).isGreaterThanOrEqualTo(1500);
			assertThat(receipt).isEqualTo(new Receipt("later", "worker-" + nodes.prefix, 1));
			assertThat(keys.delayed()).isZero();
			// a past instant means now
			assertThat(tasks.at(Instant.now().minusSeconds(1)).<Receipt>dispatchAndWait(new Echo("now"), WAIT).text())
				.isEqualTo("now");
			// a batch: accepted whole, each of its tasks runs once when due
			List<TaskResult<Receipt>> batch = tasks.after(Duration.ofMillis(300))
				.<Receipt>dispatchAllAndWait(List.of(new Echo("b1"), new Echo("b2"), new Echo("b3")), WAIT);
			assertThat(batch).extracting((r) -> r.value().text()).containsExactly("b1", "b2", "b3");
		}
	}

	@Test
	void aDelayedTaskCancelledBeforeItIsDueIsTakenBackAndNeverRuns() {
		try (RedisNodes nodes = new RedisNodes("delayed-cancel"); Keys keys = new Keys(nodes.prefix, "Echo")) {
			ConfigurableApplicationContext node = nodes.start("node-" + nodes.prefix);
			TaskTemplate tasks = RedisNodes.template(node);
			Map<Long, TaskResult<Object>> outcomes = new ConcurrentHashMap<>();
			long written = tasks.after(Duration.ofHours(1)).dispatch(new Echo("cancel-written"), (TaskResult<Object> r) -> outcomes.put(r.taskId(), r));
			long kept = tasks.after(Duration.ofHours(1)).dispatch(new Echo("kept"), (TaskResult<Object> r) -> outcomes.put(r.taskId(), r));
			await().atMost(WAIT).until(() -> keys.delayed() == 2);
			assertThat(tasks.cancel(written)).isTrue();
			assertThat(keys.delayed()).isOne();
			assertThat(tasks.cancel(written)).isFalse();
			// cancelled at once, racing the writer: the entry is taken back whichever came first
			long racing = tasks.after(Duration.ofHours(1)).dispatch(new Echo("cancel-racing"), (TaskResult<Object> r) -> outcomes.put(r.taskId(), r));
			assertThat(tasks.cancel(racing)).isTrue();
			await().atMost(WAIT).until(() -> outcomes.containsKey(written) && outcomes.containsKey(racing));
			assertThat(outcomes.get(written).status()).isEqualTo(TaskStatus.CANCELLED);
			assertThat(outcomes.get(racing).status()).isEqualTo(TaskStatus.CANCELLED);
			await().atMost(WAIT).until(() -> keys.delayed() == 1);
			assertThat(outcomes).doesNotContainKey(kept);
			assertThat(RedisNodes.runsOf("cancel-written") + RedisNodes.runsOf("cancel-racing")).isZero();
		}
	}

	@Test
	void delayedTasksSurviveTheRestartOfEveryNodeAndRunOnce() {
		try (RedisNodes nodes = new RedisNodes("delayed-restart"); Keys keys = new Keys(nodes.prefix, "Job")) {
			// the cluster's only node dispatches them
			ConfigurableApplicationContext node = nodes.start("node-" + nodes.prefix);
			TaskTemplate tasks = RedisNodes.template(node);
			List<TaskResult<Object>> atTheOrigin = new java.util.concurrent.CopyOnWriteArrayList<>();
			for (int i = 0; i < 5; i++) {
				tasks.after(Duration.ofSeconds(6)).dispatch(new Job("restart-" + i, 1), atTheOrigin::add);
			}
			await().atMost(WAIT).until(() -> keys.delayed() == 5);
			// it stops before they are due: it neither waits for them nor cancels them, and moves none any more
			nodes.stop(node);
			assertThat(atTheOrigin).as("outcomes delivered at the stopping origin (none: not CANCELLED)").isEmpty();
			assertThat(keys.delayed()).isEqualTo(5);
			assertThat(keys.runs()).isEmpty();
			// a new cluster: another node id, nothing in memory from before
			nodes.start("new-node-" + nodes.prefix);
			await().atMost(WAIT).until(() -> keys.runs().size() == 5 && keys.delayed() == 0 && keys.streamLength() == 0);
			assertThat(keys.runs()).containsOnlyKeys("restart-0", "restart-1", "restart-2", "restart-3", "restart-4")
				.allSatisfy((label, runs) -> assertThat(runs).isEqualTo("1"));
		}
	}

	@Test
	void manyNodesRaceToMoveTheSameDueTasksAndEachRunsOnce() {
		int count = 2000;
		try (RedisNodes nodes = new RedisNodes("delayed-race"); Keys keys = new Keys(nodes.prefix, "Job")) {
			ConfigurableApplicationContext first = nodes.start("a-" + nodes.prefix, "async-task.redis.batch-size=16");
			nodes.start("b-" + nodes.prefix, "async-task.redis.batch-size=16");
			nodes.start("c-" + nodes.prefix, "async-task.redis.batch-size=16");
			TaskTemplate tasks = RedisNodes.template(first);
			List<Job> jobs = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				jobs.add(new Job("race-" + i, 0));
			}
			// all due at one instant: three movers wake for it and race over the same set
			List<TaskResult<Integer>> results = tasks.at(Instant.now().plusSeconds(2)).<Integer>submitAll(jobs)
				.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
			assertThat(results).hasSize(count).allSatisfy((result) -> {
				assertThat(result.status()).isEqualTo(TaskStatus.SUCCEEDED);
				assertThat(result.value()).isEqualTo(1);
			});
			await().atMost(WAIT).until(() -> keys.delayed() == 0 && keys.streamLength() == 0);
			Map<String, String> runs = keys.runs();
			assertThat(runs).hasSize(count).allSatisfy((label, n) -> assertThat(n).as(label).isEqualTo("1"));
			// the runs spread over the nodes: each moved what it found first, each read what its workers could start
			assertThat(keys.runsByNode()).hasSizeGreaterThan(1);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Reads a test's keys in Redis. */
	static final class Keys implements AutoCloseable {

		private final String prefix;

		private final LettuceConnectionFactory factory = RedisTestServer.get().connectionFactory();

		private final byte[] stream;

		private final byte[] delayed;

		Keys(String prefix, String taskName) {
			this.prefix = prefix;
			String streamKey = prefix + ":task:" + taskName;
			this.stream = RedisKeys.bytes(streamKey);
			this.delayed = RedisKeys.bytes(prefix + ":delayed:{" + streamKey + "}");
		}

		long delayed() {
			return read((connection) -> connection.zSetCommands().zCard(this.delayed));
		}

		long streamLength() {
			return read((connection) -> connection.streamCommands().xLen(this.stream));
		}

		Map<String, String> runs() {
			return hash(":test:runs");
		}

		Map<String, String> runsByNode() {
			return hash(":test:runs-by-node");
		}

		private Map<String, String> hash(String suffix) {
			Map<String, String> hash = new ConcurrentHashMap<>();
			try (RedisConnection connection = this.factory.getConnection()) {
				Map<byte[], byte[]> raw = connection.hashCommands().hGetAll(RedisKeys.bytes(this.prefix + suffix));
				if (raw != null) {
					raw.forEach((name, value) -> hash.put(RedisKeys.text(name), RedisKeys.text(value)));
				}
			}
			return hash;
		}

		private long read(Function<RedisConnection, Long> command) {
			try (RedisConnection connection = this.factory.getConnection()) {
				Long value = command.apply(connection);
				return (value != null) ? value : 0;
			}
		}

		@Override
		public void close() {
			this.factory.destroy();
		}

	}

}
