package io.github.asynctask.transport.redis;

import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.KeyedHandlers.Step;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A key's order when a partition's owner stops renewing its lease: a node paused past its lease can no longer
 * acknowledge there, and a node killed with SIGKILL leaves at most its in-flight task of each key to run again.
 */
class RedisKeyedLeaseTests {

	@Test
	void aNodePausedPastItsLeaseCannotAcknowledgeAfterLosingIt() {
		KeyedHandlers.gate = new CountDownLatch(1);
		try (RedisNodes nodes = new RedisNodes("keyed-pause")) {
			String[] worker = { "async-task.redis.claim-idle=2s", "async-task.redis.partitions=1" };
			ConfigurableApplicationContext origin = nodes.start("web", "async-task.redis.consume=false",
					"async-task.redis.partitions=1");
			ConfigurableApplicationContext w1 = nodes.start("w1", worker);
			ConfigurableApplicationContext w2 = nodes.start("w2", worker);
			TaskTemplate tasks = RedisNodes.template(origin).withKey("k");
			List<TaskResult<String>> results = new CopyOnWriteArrayList<>();
			tasks.dispatch(new Step("k", 0, 0, 0, true), (TaskResult<String> r) -> results.add(r));
			tasks.dispatch(new Step("k", 1, 0), (TaskResult<String> r) -> results.add(r));
			StringRedisTemplate redis = origin.getBean(StringRedisTemplate.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> KeyedHandlers.starts(redis, nodes.prefix, "k").size() == 1);
			String first = KeyedHandlers.starts(redis, nodes.prefix, "k").get(0);
			ConfigurableApplicationContext paused = first.contains("@w1#") ? w1 : w2;
			String other = (paused == w1) ? "w2" : "w1";
			// a stop-the-world pause of the owner while step 0 runs there: its lease runs out, the other node takes
			// the partition over and runs step 0 again, then step 1
			RedisNodes.transport(paused).pauseKeyed(true);
			await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == 2);
			KeyedHandlers.gate.countDown(); // the paused node's step 0 ends: its outcome is written
			RedisNodes.transport(paused).pauseKeyed(false);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> RedisNodes.transport(paused).refusedKeyedAcknowledgements() == 1);
			tasks.dispatch(new Step("k", 2, 0), (TaskResult<String> r) -> results.add(r));
			await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == 3);

			// step 0 ran on both (its re-run is attempt 2); step 1 (read by the paused node, never started there) and
			// step 2 ran once each, after it, in order (step 2 on whichever node owns the partition once the paused
			// one is back)
			assertThat(KeyedHandlers.starts(redis, nodes.prefix, "k"))
				.extracting((start) -> start.substring(0, start.indexOf('#')))
				.hasSize(4)
				.startsWith(first.substring(0, first.indexOf('#')), "0@" + other, "1@" + other)
				.last().asString().startsWith("2@");
			assertThat(KeyedHandlers.starts(redis, nodes.prefix, "k").get(1)).endsWith("#2");
			assertThat(results).allSatisfy((r) -> assertThat(r.status()).isEqualTo(TaskStatus.SUCCEEDED));
			assertThat(results).extracting(TaskResult::taskId).doesNotHaveDuplicates();
		}
		finally {
			KeyedHandlers.gate.countDown();
		}
	}

	@Test
	void aWorkerJvmKilledMidRunLeavesEachKeyInOrderApartFromItsInFlightTaskRunningAgain() throws Exception {
		int keys = 8;
		int steps = 20;
		try (RedisNodes nodes = new RedisNodes("keyed-kill")) {
			String victim = "victim-" + ProcessHandle.current().pid();
			ConfigurableApplicationContext origin = nodes.start("web-" + victim, "async-task.redis.consume=false");
			TaskTemplate tasks = RedisNodes.template(origin);
			List<TaskResult<String>> results = new CopyOnWriteArrayList<>();
			for (int seq = 0; seq < steps; seq++) {
				for (int k = 0; k < keys; k++) {
					tasks.withKey("key-" + k).dispatch(new Step("key-" + k, seq, 40),
							(TaskResult<String> r) -> results.add(r));
				}
			}
			StringRedisTemplate redis = origin.getBean(StringRedisTemplate.class);
			Process process = startWorkerJvm(nodes.prefix, victim);
			try {
				await().atMost(Duration.ofSeconds(90)).until(() -> startsOn(redis, nodes.prefix, keys, victim) >= 10);
				process.destroyForcibly(); // SIGKILL: no shutdown hook, no release, no acknowledgement
				assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
			}
			finally {
				process.destroyForcibly();
			}
			nodes.start("rescuer-" + victim, "async-task.redis.claim-idle=2s");
			await().atMost(Duration.ofSeconds(90)).until(() -> results.size() == keys * steps);

			assertThat(results).allSatisfy((r) -> assertThat(r.status()).isEqualTo(TaskStatus.SUCCEEDED));
			assertThat(results).extracting(TaskResult::taskId).doesNotHaveDuplicates();
			int reruns = 0;
			for (int k = 0; k < keys; k++) {
				List<String> starts = KeyedHandlers.starts(redis, nodes.prefix, "key-" + k);
				List<Integer> order = new ArrayList<>();
				String last = null;
				for (String start : starts) {
					int seq = Integer.parseInt(start.substring(0, start.indexOf('@')));
					if (last != null && seq == Integer.parseInt(last.substring(0, last.indexOf('@')))) {
						// a task that runs again: the one the dead node had in flight, next on the rescuer
						assertThat(last).contains("@" + victim + "#");
						assertThat(start).contains("@rescuer-");
						reruns++;
						continue;
					}
					order.add(seq);
					last = start;
				}
				assertThat(order).as("start order of key-" + k)
					.containsExactlyElementsOf(IntStream.range(0, steps).boxed().toList());
				assertThat(starts.size() - order.size()).as("re-runs of key-" + k).isLessThanOrEqualTo(1);
			}
			System.out.println("Keyed kill test: " + keys + " keys x " + steps + " tasks, " + reruns
					+ " in-flight tasks ran again after SIGKILL");
		}
	}

	private static long startsOn(StringRedisTemplate redis, String prefix, int keys, String node) {
		long starts = 0;
		for (int k = 0; k < keys; k++) {
			starts += KeyedHandlers.starts(redis, prefix, "key-" + k).stream().filter((s) -> s.contains("@" + node + "#"))
				.count();
		}
		return starts;
	}

	private static Process startWorkerJvm(String prefix, String nodeId) throws Exception {
		RedisTestServer redis = RedisTestServer.get();
		List<String> command = new ArrayList<>(List.of(
				new File(System.getProperty("java.home"), "bin/java").getPath(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
				"-cp", System.getProperty("java.class.path"), RedisWorkerNode.class.getName()));
		command.addAll(List.of("--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
				"--async-task.transport=redis", "--async-task.redis.key-prefix=" + prefix,
				"--async-task.redis.node-id=" + nodeId, "--async-task.task-worker-num=2",
				"--async-task.redis.claim-idle=2s", "--spring.main.banner-mode=off"));
		File log = Files.createTempFile("async-task-keyed-victim", ".log").toFile();
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
	}

}
