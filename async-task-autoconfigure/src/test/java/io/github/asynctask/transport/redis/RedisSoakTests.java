package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A soak: {@code async-task.test.soak.tasks} small tasks (default 200,000) from a dispatch-only node over three worker
 * nodes; halfway, one worker node stops cleanly and a new one starts. Every task ends with exactly one outcome at the
 * origin (counted per task id: none missing, none twice), a success, and every node that stays up ran some.
 */
class RedisSoakTests {

	private static final long TASKS = Long.getLong("async-task.test.soak.tasks", 200_000);

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void twoHundredThousandTasksOverThreeNodesWithOneStoppedAndOneStartedHalfwayEachEndOnce() throws Exception {
		try (RedisNodes nodes = new RedisNodes("soak")) {
			String run = nodes.prefix.substring(nodes.prefix.length() - 8);
			ConfigurableApplicationContext origin = nodes.start("origin-" + run, "async-task.redis.consume=false");
			nodes.start("worker-1-" + run);
			ConfigurableApplicationContext leaving = nodes.start("worker-2-" + run);
			nodes.start("worker-3-" + run);
			OutcomeLedger ledger = new OutcomeLedger();
			long started = System.nanoTime();
			try (LoadDriver load = new LoadDriver(RedisNodes.template(origin), ledger, TASKS, 20_000).start()) {
				await().atMost(Duration.ofMinutes(5)).until(() -> ledger.heard() >= TASKS / 2);
				nodes.stop(leaving); // cleanly, while tasks flow
				nodes.start("worker-4-" + run);
				await().atMost(Duration.ofMinutes(5)).until(load::done);
				assertThat(load.failure()).isNull();
				await().atMost(Duration.ofMinutes(5)).until(() -> ledger.decided() == ledger.acceptedCount());
			}
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			assertThat(ledger.acceptedCount()).isEqualTo(TASKS);
			ledger.assertExactlyOneOutcomeEach();
			ledger.assertAllSucceeded();
			for (String node : new String[] { "worker-1-", "worker-3-", "worker-4-" }) {
				assertThat(RedisNodes.TICKS.get(node + run)).as("runs on " + node + run).isNotNull();
			}
			long ran = RedisNodes.TICKS.entrySet().stream().filter((e) -> e.getKey().endsWith(run))
				.mapToLong((e) -> e.getValue().sum()).sum();
			System.out.println("Soak: " + ledger + " in " + millis + " ms; runs " + ran + " (re-runs " + (ran - TASKS)
					+ ") by node " + RedisNodes.TICKS.entrySet().stream().filter((e) -> e.getKey().endsWith(run))
						.map((e) -> e.getKey() + "=" + e.getValue().sum()).toList());
		}
	}

}
