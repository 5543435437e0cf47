package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import io.github.asynctask.transport.redis.RedisNodes.Receipt;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.stream.StreamInfo.XInfoConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that stops cleanly leaves nothing behind in Redis: no consumer named after it in any group, no reply stream,
 * no heartbeat; and a node with nothing left to do closes at once, not after the whole {@code shutdown-timeout}.
 */
class RedisCleanStopTests {

	private static final List<String> TASK_NAMES = List.of("Echo", "Boom", "Work", "Job", "Flaky");

	@Test
	void aCleanStopRemovesTheNodesConsumersAndItsReplyStream() {
		try (RedisNodes nodes = new RedisNodes("clean-stop"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			String web = "web-" + nodes.prefix;
			String worker = "worker-" + nodes.prefix;
			ConfigurableApplicationContext origin = nodes.start(web, "async-task.redis.consume=false");
			ConfigurableApplicationContext workerNode = nodes.start(worker);
			TaskTemplate tasks = RedisNodes.template(origin);
			for (int i = 0; i < 10; i++) {
				assertThat(tasks.<Receipt>dispatchAndWait(new Echo("clean-" + i), Duration.ofSeconds(20)).node())
					.isEqualTo(worker);
			}
			assertThat(consumers(raw, nodes.prefix)).contains(worker);
			assertThat(raw.connection.keyCommands().exists(RedisKeys.bytes(nodes.prefix + ":reply:" + web))).isTrue();

			nodes.stop(workerNode);
			assertThat(consumers(raw, nodes.prefix)).doesNotContain(worker);
			assertThat(raw.connection.keyCommands().exists(RedisKeys.bytes(nodes.prefix + ":node:" + worker))).isFalse();
			nodes.stop(origin);
			assertThat(raw.connection.keyCommands().exists(RedisKeys.bytes(nodes.prefix + ":reply:" + web))).isFalse();
			assertThat(raw.connection.keyCommands().exists(RedisKeys.bytes(nodes.prefix + ":reply:" + worker)))
				.isFalse();
		}
	}

	@Test
	void aNodeConsumingItsOwnDispatchesClosesAtOnceWhenNothingIsLeft() {
		try (RedisNodes nodes = new RedisNodes("quick-close"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			String id = "self-" + nodes.prefix;
			ConfigurableApplicationContext node = nodes.start(id, "async-task.shutdown-timeout=30s");
			TaskTemplate tasks = RedisNodes.template(node);
			for (int i = 0; i < 5; i++) {
				assertThat(tasks.<Receipt>dispatchAndWait(new Echo("self-" + i), Duration.ofSeconds(20)).node())
					.isEqualTo(id);
			}
			CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> nodes.stop(node));
			// nothing is queued, running or awaited: the close must not sit out the 30s shutdown-timeout
			await().atMost(Duration.ofSeconds(15)).until(closed::isDone);
			assertThat(consumers(raw, nodes.prefix)).doesNotContain(id);
			assertThat(raw.connection.keyCommands().exists(RedisKeys.bytes(nodes.prefix + ":reply:" + id))).isFalse();
		}
	}

	static List<String> consumers(RedisTransportTests.Raw raw, String prefix) {
		List<String> names = new ArrayList<>();
		for (String task : TASK_NAMES) {
			byte[] key = RedisKeys.bytes(prefix + ":task:" + task);
			if (!raw.connection.keyCommands().exists(key)) {
				continue;
			}
			for (XInfoConsumer consumer : raw.connection.streamCommands().xInfoConsumers(key, RedisKeys.GROUP)) {
				names.add(consumer.consumerName());
			}
		}
		return names;
	}

}
