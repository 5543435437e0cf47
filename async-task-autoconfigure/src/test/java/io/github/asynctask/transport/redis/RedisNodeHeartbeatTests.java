package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;

import io.github.asynctask.transport.redis.RedisNodes.Work;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A live node keeps {@code <prefix>:node:<node-id>} alive; a second node with the id of a live one fails its startup,
 * naming the id; a clean stop deletes the key. The key is a hash telling the endpoint's cluster view the node's
 * workers, what it runs now and which task names it consumes.
 */
class RedisNodeHeartbeatTests {

	@Test
	void aSecondLiveNodeWithTheSameIdFailsItsStartupNamingTheId() {
		try (RedisNodes nodes = new RedisNodes("heartbeat"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			String id = "twin-" + nodes.prefix;
			String key = nodes.prefix + ":node:" + id;
			ConfigurableApplicationContext first = nodes.start(id, "async-task.redis.claim-idle=1s");
			assertThat(raw.connection.keyCommands().pTtl(RedisKeys.bytes(key))).isBetween(1L, 1000L);

			assertThatThrownBy(() -> nodes.start(id, "async-task.redis.claim-idle=1s"))
				.rootCause()
				.hasMessageContaining("Another live node uses the node id '" + id + "'")
				.hasMessageContaining("async-task.redis.node-id");

			nodes.stop(first);
			assertThat(raw.connection.keyCommands().exists(RedisKeys.bytes(key))).isFalse();
		}
	}

	@Test
	void theHeartbeatTellsTheClusterViewTheNodesWorkersWhatItRunsAndWhatItConsumes() {
		try (RedisNodes nodes = new RedisNodes("heartbeat-figures")) {
			String worker = "worker-" + nodes.prefix;
			String web = "web-" + nodes.prefix;
			nodes.start(worker, "async-task.task-worker-num=3", "async-task.redis.claim-idle=1s");
			ConfigurableApplicationContext origin = nodes.start(web, "async-task.task-worker-num=2",
					"async-task.redis.consume=false", "async-task.redis.claim-idle=1s");
			RedisClusterView view = origin.getBean(RedisClusterView.class);

			RedisNodes.template(origin).dispatch(new Work("long", 4000));

			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				List<RedisClusterView.Node> seen = view.read().nodes();
				RedisClusterView.Node w = seen.stream().filter((n) -> n.id().equals(worker)).findFirst().orElseThrow();
				assertThat(w.heartbeat()).isTrue();
				assertThat(w.workers()).isEqualTo(3);
				assertThat(w.running()).isEqualTo(1);
				assertThat(w.consuming()).contains("Work", "Echo");
				RedisClusterView.Node o = seen.stream().filter((n) -> n.id().equals(web)).findFirst().orElseThrow();
				assertThat(o.workers()).isEqualTo(2);
				assertThat(o.consuming()).isEmpty();
			});
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(view.read().nodes().stream()
				.filter((n) -> n.id().equals(worker)).findFirst().orElseThrow().running()).isZero());
		}
	}

}
