package io.github.asynctask.transport.redis;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A live node keeps {@code <prefix>:node:<node-id>} alive; a second node with the id of a live one fails its startup,
 * naming the id; a clean stop deletes the key.
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

}
