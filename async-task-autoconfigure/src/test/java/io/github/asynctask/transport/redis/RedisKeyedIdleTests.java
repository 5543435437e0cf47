package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.KeyedHandlers.Step;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A task name's keyed partitions cost nothing until it had a keyed task: before, no node leases them, reads them or
 * watches their delayed sets; its first keyed task, from any node, makes every consuming node take them up.
 */
class RedisKeyedIdleTests {

	@Test
	void idleNodesRunNoScriptsForThePartitionsOfTaskNamesThatHadNoKeyedTask() throws Exception {
		RedisOwnServer server = RedisOwnServer.start(false);
		assumeTrue(server != null, "no redis-server binary");
		LettuceConnectionFactory factory = server.connectionFactory();
		try (server; RedisNodes nodes = RedisNodes.onServer(server, "keyed-idle")) {
			// the task names of the nodes' application: 7 unkeyed streams, 7 x 16 partitions
			nodes.start("w1");
			nodes.start("w2");
			try (RedisConnection connection = factory.getConnection()) {
				await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(2)
					.equals(connection.zSetCommands().zCard(RedisKeys.bytes(nodes.prefix + ":partition-members"))));
				long scriptsBefore = scripts(connection);
				long start = redisMillis(connection);
				// two seconds on Redis's clock, in which nothing is dispatched
				await().atMost(Duration.ofSeconds(10)).until(() -> redisMillis(connection) - start >= 2000);
				long scripts = scripts(connection) - scriptsBefore;
				// each node looks at each unkeyed stream's delayed set about once a second (2 x 2 x 7 = 28), and
				// renews its membership and heartbeat; watching every partition's delayed set too would be about
				// 2 x 2 x 7 x 16 = 448 more
				assertThat(scripts).as("scripts Redis ran in 2 s of two idle nodes").isLessThan(120);
			}
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void aTaskNameNeverDispatchedWithAKeyHasNoPartitionLeasedOrReadUntilItsFirstKeyedTask() {
		String claimIdle = "async-task.redis.claim-idle=400ms"; // a lease round every 100 ms
		try (RedisNodes nodes = new RedisNodes("keyed-lazy")) {
			ConfigurableApplicationContext origin = nodes.start("web", "async-task.redis.consume=false", claimIdle);
			ConfigurableApplicationContext w1 = nodes.start("w1", claimIdle);
			ConfigurableApplicationContext w2 = nodes.start("w2", claimIdle);
			StringRedisTemplate redis = origin.getBean(StringRedisTemplate.class);
			List<TaskResult<String>> results = new CopyOnWriteArrayList<>();
			for (int seq = 0; seq < 10; seq++) {
				RedisNodes.template(origin).dispatch(new Step("unkeyed", seq, 0), (TaskResult<String> r) -> results.add(r));
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == 10);
			// both consuming nodes are partition members, and for 15 lease rounds take no partition of any task name
			await().atMost(Duration.ofSeconds(10))
				.until(() -> Long.valueOf(2).equals(redis.opsForZSet().size(nodes.prefix + ":partition-members")));
			await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> RedisNodes.transport(w1)
				.ownedPartitions().isEmpty() && RedisNodes.transport(w2).ownedPartitions().isEmpty());
			assertThat(redis.keys(nodes.prefix + ":task:*:lease")).isEmpty();
			assertThat(redis.opsForSet().members(nodes.prefix + ":keyed")).isEmpty();
			// a name the cluster had no keyed task of: no lease taken, no partition read, no delayed set watched

			// the first keyed task of Step, from a node that consumes nothing: the consuming nodes find it in Redis
			TaskTemplate keyed = RedisNodes.template(origin).withKey("order-1");
			for (int seq = 0; seq < 5; seq++) {
				keyed.dispatch(new Step("order-1", seq, 0), (TaskResult<String> r) -> results.add(r));
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == 15);
			assertThat(results).allSatisfy((r) -> assertThat(r.status()).isEqualTo(TaskStatus.SUCCEEDED));
			assertThat(KeyedHandlers.starts(redis, nodes.prefix, "order-1"))
				.extracting((start) -> start.substring(0, start.indexOf('@')))
				.containsExactly("0", "1", "2", "3", "4");
			assertThat(redis.opsForSet().members(nodes.prefix + ":keyed")).containsExactly("Step");
			// the partition that holds order-1 is owned by one of the two nodes; no other task name's is
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				List<String> owned = new ArrayList<>(RedisNodes.transport(w1).ownedPartitions());
				owned.addAll(RedisNodes.transport(w2).ownedPartitions());
				assertThat(owned).containsExactly("Step:" + KeyedStreams.partitionOf("order-1", 16));
			});
		}
	}

	private static long scripts(RedisConnection connection) {
		Properties stats = connection.serverCommands().info("commandstats");
		long calls = 0;
		for (String command : List.of("cmdstat_eval", "cmdstat_evalsha")) {
			String value = (stats != null) ? stats.getProperty(command) : null;
			if (value != null) {
				calls += Long.parseLong(value.substring("calls=".length(), value.indexOf(',')));
			}
		}
		return calls;
	}

	private static long redisMillis(RedisConnection connection) {
		Long time = connection.serverCommands().time();
		return (time != null) ? time : 0;
	}

}
