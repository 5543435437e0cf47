package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import io.github.asynctask.transport.redis.RedisNodes.Receipt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Redis killed (SIGKILL) and started again while a dispatch node streams tasks to two worker nodes. With persistence
 * ({@code appendonly yes}, {@code appendfsync always}) it is a restart: every accepted task gets exactly one outcome,
 * all of them successes; dispatch accepts into the outbound backlog meanwhile and the writes resume by themselves.
 * Without persistence it is a wipe: tasks dispatched after it each get exactly one outcome, a success; those whose
 * entry was lost with the data end FAILED at their dispatcher (once it sees the entry gone), and none gets two.
 * A Redis of the test's own, on its own port.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RedisRestartTests {

	/**
	 * A command sent while Redis was away or loading can hang until the client's command timeout (Lettuce's default:
	 * 60s); an application that wants to resume within seconds sets it, as these nodes do.
	 */
	private static final String COMMAND_TIMEOUT = "spring.data.redis.timeout=5s";

	private static final int TASKS = 6000;

	private static final Duration RECOVERY = Duration.ofSeconds(120);

	@Test
	void redisRestartedWithItsDataUnderLoadEndsEveryTaskOnceAndWritesResume() throws Exception {
		RedisOwnServer redis = RedisOwnServer.start(true);
		assumeTrue(redis != null, "no redis-server binary");
		try (redis; RedisNodes nodes = RedisNodes.onServer(redis, "restart")) {
			ConfigurableApplicationContext origin = nodes.start("origin", "async-task.redis.consume=false", COMMAND_TIMEOUT);
			ConfigurableApplicationContext worker1 = nodes.start("worker-1", "async-task.redis.claim-idle=5s", COMMAND_TIMEOUT);
			ConfigurableApplicationContext worker2 = nodes.start("worker-2", "async-task.redis.claim-idle=5s", COMMAND_TIMEOUT);
			OutcomeLedger ledger = new OutcomeLedger();
			try (LoadDriver load = new LoadDriver(RedisNodes.template(origin), ledger, TASKS, 2000).start()) {
				await().atMost(Duration.ofSeconds(60)).until(() -> ledger.heard() >= 1000);
				// on a slow machine the rewrite takes long enough for the whole total to be dispatched meanwhile:
				// hold the rest back for the time Redis is down
				load.pause();
				bulkUpAndRewrite(redis);

				redis.kill();
				long acceptedAtKill = ledger.acceptedCount();
				load.allowMore(500);
				// Redis down: dispatch still accepts, into the bounded outbound backlog
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
					assertThat(load.failure()).as("the load driver's failure").isNull();
					assertThat(ledger.acceptedCount()).as("accepted while Redis is down (rejected so far: "
							+ load.rejected() + ")").isGreaterThanOrEqualTo((int) acceptedAtKill + 100);
				});
				// it loads its data for a few seconds, answering LOADING meanwhile (as a big data set would): 2 ms per
				// key or logged command, so ~1,500 filler keys plus the commands logged since the rewrite (lease
				// renewals of every partition among them) take seconds, not minutes
				redis.restart("--key-load-delay", "2000", "--loading-process-events-interval-bytes", "1024");

				await().atMost(RECOVERY).until(load::done);
				assertThat(load.failure()).isNull();
				await().atMost(RECOVERY).until(() -> ledger.decided() == ledger.acceptedCount());
			}
			ledger.assertExactlyOneOutcomeEach();
			ledger.assertAllSucceeded();
			assertThat(ledger.acceptedCount()).isEqualTo(TASKS);
			assertNothingStuck(origin, worker1, worker2);
			System.out.println("Restart test (persistent): " + ledger);
		}
	}

	@Test
	void redisRestartedWithoutItsDataUnderLoadEndsEveryTaskOnceTheLostOnesFailed() throws Exception {
		RedisOwnServer redis = RedisOwnServer.start(false);
		assumeTrue(redis != null, "no redis-server binary");
		try (redis; RedisNodes nodes = RedisNodes.onServer(redis, "wipe")) {
			ConfigurableApplicationContext origin = nodes.start("origin", "async-task.redis.consume=false",
					"async-task.redis.claim-idle=5s", COMMAND_TIMEOUT);
			ConfigurableApplicationContext worker1 = nodes.start("worker-1", "async-task.redis.claim-idle=5s", COMMAND_TIMEOUT);
			ConfigurableApplicationContext worker2 = nodes.start("worker-2", "async-task.redis.claim-idle=5s", COMMAND_TIMEOUT);
			OutcomeLedger before = new OutcomeLedger();
			try (LoadDriver load = new LoadDriver(RedisNodes.template(origin), before, Long.MAX_VALUE, 2000).start()) {
				await().atMost(Duration.ofSeconds(60)).until(() -> before.heard() >= 1000);
				redis.kill();
				long acceptedAtKill = before.acceptedCount();
				load.allowMore(500);
				await().atMost(Duration.ofSeconds(20)).until(() -> before.acceptedCount() >= acceptedAtKill + 100);
			}
			redis.restart(); // empty: the streams, groups and reply streams are gone

			OutcomeLedger after = new OutcomeLedger();
			try (LoadDriver load = new LoadDriver(RedisNodes.template(origin), after, 3000, 1000).start()) {
				await().atMost(RECOVERY).until(load::done);
				assertThat(load.failure()).isNull();
				await().atMost(RECOVERY).until(() -> after.decided() == after.acceptedCount());
			}
			after.assertExactlyOneOutcomeEach();
			after.assertAllSucceeded();
			// what was accepted before the wipe: one outcome each too; a task whose entry was lost with the data never
			// ran, and ends FAILED once its dispatcher sees its entry gone and no reply (after claim-idle)
			await().atMost(RECOVERY).until(() -> before.decided() == before.acceptedCount());
			before.assertExactlyOneOutcomeEach();
			System.out.println("Restart test (no persistence): before the wipe " + before + ", decided "
					+ before.decided() + "; after it " + after);
		}
	}

	/**
	 * Gives the Redis some data of its own (keys outside the test's prefix) and rewrites its append-only file, so
	 * that a restart loads them key by key.
	 */
	private static void bulkUpAndRewrite(RedisOwnServer redis) {
		LettuceConnectionFactory factory = redis.connectionFactory();
		try (RedisConnection connection = factory.getConnection()) {
			byte[] value = new byte[512];
			connection.openPipeline();
			for (int i = 0; i < 1500; i++) {
				connection.stringCommands().set(RedisKeys.bytes("filler:" + i), value);
			}
			connection.closePipeline();
			connection.serverCommands().bgReWriteAof();
			await().atMost(Duration.ofSeconds(30)).until(() -> "0".equals(
					connection.serverCommands().info("persistence").getProperty("aof_rewrite_in_progress")));
		}
		finally {
			factory.destroy();
		}
	}

	private static void assertNothingStuck(ConfigurableApplicationContext origin,
			ConfigurableApplicationContext... workers) {
		TaskTemplate tasks = RedisNodes.template(origin);
		Receipt receipt = tasks.dispatchAndWait(new Echo("after the restart"), Duration.ofSeconds(30));
		assertThat(receipt.text()).isEqualTo("after the restart");
		await().atMost(Duration.ofSeconds(30)).until(() -> RedisNodes.transport(origin).awaitingReplies() == 0);
		for (ConfigurableApplicationContext worker : workers) {
			await().atMost(Duration.ofSeconds(30)).until(() -> RedisNodes.transport(worker).held() == 0);
		}
	}

}
