package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import io.github.asynctask.transport.redis.RedisNodes.Receipt;
import io.github.asynctask.transport.redis.RedisNodes.Work;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Redis Cluster with the default key prefix: task streams on slots of their own (no hash tag), each command on one
 * key (the move of delayed tasks on two keys of one slot), on three masters the test starts itself.
 */
class RedisClusterTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void oneNodeConsumesTwoTaskNamesOnAClusterAndTheRepliesArriveDelayedOnesToo() {
		RedisClusterTestServer cluster = RedisClusterTestServer.start();
		assumeTrue(cluster != null, "NOTICE: no redis-server binary can run a Redis Cluster here");
		try (cluster; RedisNodes nodes = RedisNodes.onCluster(cluster)) {
			// the default prefix: the two task names' streams hash to different slots
			assertThat(SlotHash.getSlot("async-task:task:Echo")).isNotEqualTo(SlotHash.getSlot("async-task:task:Work"));
			ConfigurableApplicationContext origin = nodes.start("web-cluster", "async-task.redis.consume=false");
			nodes.start("worker-cluster", "async-task.redis.claim-idle=900ms");
			TaskTemplate tasks = RedisNodes.template(origin);

			assertThat(tasks.<Receipt>dispatchAndWait(new Echo("one"), WAIT)).isEqualTo(new Receipt("one", "worker-cluster", 1));
			assertThat(tasks.<String>dispatchAndWait(new Work("cluster-work", 1), WAIT)).isEqualTo("cluster-work");
			List<TaskResult<Object>> outcomes = new CopyOnWriteArrayList<>();
			IntStream.range(0, 20).forEach((i) -> {
				tasks.dispatch(new Echo("e" + i), outcomes::add);
				tasks.dispatch(new Work("w" + i + "-cluster", 1), outcomes::add);
			});
			await().atMost(WAIT).until(() -> outcomes.size() == 40);
			assertThat(outcomes).allMatch(TaskResult::isSuccess);
			// longer than claim-idle: its lease is renewed (a script on one key) and it runs once
			assertThat(tasks.<String>dispatchAndWait(new Work("long-cluster", 2000), WAIT)).isEqualTo("long-cluster");
			assertThat(RedisNodes.runsOf("long-cluster")).isEqualTo(1);

			// delayed tasks: each task name's delayed set hashes to its stream's slot, so the move script (two keys)
			// runs on the master of both; the stream keys keep their names and their own slots
			for (String name : List.of("Echo", "Work")) {
				assertThat(SlotHash.getSlot("async-task:delayed:{async-task:task:" + name + "}"))
					.isEqualTo(SlotHash.getSlot("async-task:task:" + name));
			}
			List<TaskResult<Object>> later = new CopyOnWriteArrayList<>();
			IntStream.range(0, 10).forEach((i) -> {
				tasks.after(Duration.ofMillis(300)).dispatch(new Echo("later-e" + i), later::add);
				tasks.after(Duration.ofMillis(300)).dispatch(new Work("later-w" + i + "-cluster", 1), later::add);
			});
			long cancelled = tasks.after(Duration.ofHours(1)).dispatch(new Echo("never"));
			await().atMost(WAIT).until(() -> later.size() == 20);
			assertThat(later).allMatch(TaskResult::isSuccess);
			assertThat(tasks.cancel(cancelled)).isTrue();
			assertThat(RedisNodes.runsOf("never")).isZero();
		}
	}

}
