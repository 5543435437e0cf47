package io.github.asynctask.transport.redis;

import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker node in another JVM killed with SIGKILL while it runs long tasks: every task still completes (another node
 * takes over after claim-idle) with exactly one outcome at its origin, and only the tasks it held at the kill may run
 * twice, which their attempt shows.
 */
class RedisKillTests {

	private static final int TASKS = 20;

	/** Long enough that the victim is always in the middle of two tasks when it is killed. */
	private static final long TASK_MILLIS = 1000;

	/**
	 * What the victim runs or queues at most: its 2 workers plus a prefetch of one per worker; it may also hold, for a
	 * moment, the entries whose outcome it has not written and acknowledged yet.
	 */
	private static final int VICTIM_HOLDS = 4;

	private static final int VICTIM_WORKERS = 2;

	@Test
	@Timeout(value = 4, unit = TimeUnit.MINUTES)
	void everyTaskCompletesAfterAWorkerNodeIsKilledAndOnlyWhatItHeldRunsTwice() throws Exception {
		try (RedisNodes nodes = new RedisNodes("sigkill"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			String victim = "victim-" + ProcessHandle.current().pid();
			ConfigurableApplicationContext origin = nodes.start("web-" + victim, "async-task.redis.consume=false");
			TaskTemplate tasks = RedisNodes.template(origin);
			OutcomeLedger ledger = new OutcomeLedger();
			List<TaskResult<Integer>> results = new CopyOnWriteArrayList<>();
			TaskCallback<Integer> heard = ledger.callback();
			for (int i = 0; i < TASKS; i++) {
				ledger.accepted(tasks.dispatch(new Job("job-" + i, TASK_MILLIS), (TaskResult<Integer> r) -> {
					results.add(r);
					heard.onFinish(r);
				}));
			}
			Process process = startWorkerJvm(nodes.prefix, victim);
			try {
				// killed in the middle of its long tasks: some done, two running
				await().atMost(Duration.ofSeconds(90))
					.until(() -> runsBy(raw, nodes.prefix).getOrDefault(victim, 0L) >= 3);
				process.destroyForcibly(); // SIGKILL: no shutdown hook, no hand-back, no reply
				assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
			}
			finally {
				process.destroyForcibly();
			}
			long ranOnVictim = runsBy(raw, nodes.prefix).get(victim);
			// in flight at the kill: what Redis says the dead node had read and not acknowledged
			long inFlight = raw.connection.streamCommands()
				.xPending(RedisKeys.bytes(nodes.prefix + ":task:Job"), RedisKeys.GROUP)
				.getPendingMessagesPerConsumer()
				.getOrDefault(victim, 0L);
			assertThat(inFlight).isBetween(1L, (long) VICTIM_HOLDS + 2);
			// the others take over what the dead node held once its lease runs out
			nodes.start("rescuer-" + victim, "async-task.redis.claim-idle=1s", "async-task.redis.batch-size=4");
			await().atMost(Duration.ofSeconds(90)).until(() -> ledger.decided() == TASKS);

			// no task lost, none with two outcomes at the origin, all succeeded
			ledger.assertExactlyOneOutcomeEach();
			ledger.assertAllSucceeded();
			Map<String, Long> runs = runs(raw, nodes.prefix);
			assertThat(runs).hasSize(TASKS);
			// re-runs: at most what the dead node held
			long duplicates = runs.values().stream().mapToLong((n) -> n - 1).sum();
			assertThat(duplicates).isLessThanOrEqualTo(inFlight);
			List<TaskResult<Integer>> retaken = results.stream().filter((r) -> r.value() >= 2).toList();
			// the two it was running mid-task at the kill wrote no reply: they are among those taken over
			assertThat(retaken).hasSizeGreaterThanOrEqualTo(1).hasSizeLessThanOrEqualTo((int) inFlight);
			assertThat(retaken).allSatisfy((r) -> assertThat(r.attempts()).isGreaterThanOrEqualTo(2));
			System.out.println("Kill test: " + TASKS + " tasks, " + ranOnVictim + " started on the victim before "
					+ "SIGKILL, " + inFlight + " in flight there at the kill, " + retaken.size()
					+ " taken over (attempt >= 2), " + duplicates + " ran twice; " + ledger);
		}
	}

	private static Process startWorkerJvm(String prefix, String nodeId) throws Exception {
		RedisTestServer redis = RedisTestServer.get();
		List<String> command = new ArrayList<>(List.of(
				new File(System.getProperty("java.home"), "bin/java").getPath(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
				"-cp", System.getProperty("java.class.path"), RedisWorkerNode.class.getName()));
		command.addAll(List.of("--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
				"--async-task.transport=redis", "--async-task.redis.key-prefix=" + prefix,
				"--async-task.redis.node-id=" + nodeId, "--async-task.task-worker-num=" + VICTIM_WORKERS, "--async-task.redis.claim-idle=1s",
				"--spring.main.banner-mode=off"));
		File log = Files.createTempFile("async-task-victim", ".log").toFile();
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
	}

	private static Map<String, Long> runsBy(RedisTransportTests.Raw raw, String prefix) {
		return hash(raw, prefix + ":test:runs-by-node");
	}

	private static Map<String, Long> runs(RedisTransportTests.Raw raw, String prefix) {
		return hash(raw, prefix + ":test:runs");
	}

	private static Map<String, Long> hash(RedisTransportTests.Raw raw, String key) {
		Map<String, Long> values = new HashMap<>();
		Map<byte[], byte[]> all = raw.connection.hashCommands().hGetAll(RedisKeys.bytes(key));
		if (all != null) {
			all.forEach((field, value) -> values.put(RedisKeys.text(field), Long.parseLong(RedisKeys.text(value))));
		}
		return values;
	}

}
