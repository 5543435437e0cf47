package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.asynctask.TaskResult;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import io.github.asynctask.transport.redis.RedisNodes.Receipt;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that died (its heartbeat key expired) is cleaned up by the live nodes after {@code claim-idle}: its entries
 * taken over, its consumers removed, its reply stream deleted.
 */
class RedisDeadNodeCleanupTests {

	@Test
	void theLiveNodesTakeOverADeadNodesEntriesAndRemoveItsConsumersAndReplyStream() {
		try (RedisNodes nodes = new RedisNodes("dead-node"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			String dead = "dead-" + nodes.prefix;
			String echo = nodes.prefix + ":task:Echo";
			String work = nodes.prefix + ":task:Work";
			String deadReplies = nodes.prefix + ":reply:" + dead;
			ConfigurableApplicationContext origin = nodes.start("web-" + nodes.prefix, "async-task.redis.consume=false");
			List<TaskResult<Receipt>> outcomes = new CopyOnWriteArrayList<>();
			RedisNodes.template(origin).dispatch(new Echo("held-by-the-dead"), (TaskResult<Receipt> r) -> outcomes.add(r));
			await().atMost(Duration.ofSeconds(20)).until(() -> raw.length(echo) == 1);

			// the dead node as it was when it died: its heartbeat (TTL claim-idle, no longer renewed), an entry it
			// read and never finished, a consumer in another group holding nothing, replies nobody reads any more
			raw.connection.stringCommands().set(RedisKeys.bytes(nodes.prefix + ":node:" + dead),
					RedisKeys.bytes("gone"), org.springframework.data.redis.core.types.Expiration.milliseconds(1000),
					org.springframework.data.redis.connection.RedisStringCommands.SetOption.upsert());
			raw.createGroup(echo);
			raw.createGroup(work);
			assertThat(raw.readAs(echo, dead)).hasSize(1);
			raw.add(work, "p", "{}");
			String done = raw.readAs(work, dead).get(0).getId().getValue();
			raw.connection.streamCommands().xAck(RedisKeys.bytes(work), RedisKeys.GROUP, done);
			raw.connection.streamCommands().xDel(RedisKeys.bytes(work), done);
			raw.add(deadReplies, "g", "1", "i", "1", "s", "SUCCEEDED");
			assertThat(RedisCleanStopTests.consumers(raw, nodes.prefix)).containsExactly(dead, dead);

			String survivor = "survivor-" + nodes.prefix;
			nodes.start(survivor, "async-task.redis.claim-idle=1s");
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(outcomes).hasSize(1);
				assertThat(RedisCleanStopTests.consumers(raw, nodes.prefix)).doesNotContain(dead);
				assertThat(raw.connection.keyCommands().exists(RedisKeys.bytes(deadReplies))).isFalse();
			});
			assertThat(outcomes.get(0).isSuccess()).isTrue();
			assertThat(outcomes.get(0).value().node()).isEqualTo(survivor);
			assertThat(outcomes.get(0).value().attempt()).isEqualTo(2);
			// the live nodes keep theirs
			assertThat(RedisCleanStopTests.consumers(raw, nodes.prefix)).contains(survivor);
			assertThat(raw.connection.keyCommands().exists(RedisKeys.bytes(nodes.prefix + ":reply:web-" + nodes.prefix)))
				.isTrue();
		}
	}

}
