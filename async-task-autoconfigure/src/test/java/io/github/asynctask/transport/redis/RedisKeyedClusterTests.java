package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.KeyedHandlers.Step;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Keyed tasks on Redis Cluster with the default key prefix: a partition's stream and lease share a slot (the
 * partition is their hash tag), the partitions of one task name spread over slots, and each key keeps its order.
 */
class RedisKeyedClusterTests {

	@Test
	void keyedTasksKeepTheirOrderOnAClusterWithTheirPartitionsSpreadOverSlots() {
		RedisKeys keys = new RedisKeys("async-task");
		Set<Integer> slots = new HashSet<>();
		for (int p = 0; p < 16; p++) {
			assertThat(SlotHash.getSlot(keys.lease("Step", p))).isEqualTo(SlotHash.getSlot(keys.partition("Step", p)));
			slots.add(SlotHash.getSlot(keys.partition("Step", p)));
		}
		assertThat(slots).hasSize(16);
		RedisClusterTestServer cluster = RedisClusterTestServer.start();
		assumeTrue(cluster != null, "NOTICE: no redis-server binary can run a Redis Cluster here");
		try (cluster; RedisNodes nodes = RedisNodes.onCluster(cluster)) {
			ConfigurableApplicationContext origin = nodes.start("web-keyed-cluster", "async-task.redis.consume=false");
			nodes.start("worker-keyed-cluster-1", "async-task.redis.claim-idle=3s");
			nodes.start("worker-keyed-cluster-2", "async-task.redis.claim-idle=3s");
			TaskTemplate tasks = RedisNodes.template(origin);
			List<TaskResult<String>> results = new CopyOnWriteArrayList<>();
			for (int seq = 0; seq < 10; seq++) {
				for (int k = 0; k < 6; k++) {
					tasks.withKey("c" + k).dispatch(new Step("c" + k, seq, 2), (TaskResult<String> r) -> results.add(r));
				}
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> results.size() == 60);

			assertThat(results).allMatch(TaskResult::isSuccess);
			StringRedisTemplate redis = origin.getBean(StringRedisTemplate.class);
			for (int k = 0; k < 6; k++) {
				assertThat(KeyedHandlers.starts(redis, "async-task", "c" + k))
					.extracting((start) -> Integer.parseInt(start.substring(0, start.indexOf('@'))))
					.containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
			}
		}
	}

}
