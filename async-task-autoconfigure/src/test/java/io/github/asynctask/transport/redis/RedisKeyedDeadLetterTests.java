package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.KeyedHandlers.Step;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A keyed entry that cannot run goes to the dead-letter stream and its key goes on; redriven, it goes back to its
 * key's partition stream.
 */
class RedisKeyedDeadLetterTests {

	@Test
	void aKeyedEntryThatCannotBeDecodedIsDeadLetteredAndItsKeyGoesOnAndARedriveReturnsItToItsPartition() {
		try (RedisNodes nodes = new RedisNodes("keyed-dead"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			RedisKeys keys = new RedisKeys(nodes.prefix);
			String partition = keys.partition("Step", KeyedStreams.partitionOf("k1", 16));
			ConfigurableApplicationContext origin = nodes.start("web", "async-task.redis.consume=false");
			ConfigurableApplicationContext worker = nodes.start("w1", "async-task.redis.claim-idle=2s");
			// an entry of key k1 no handler can read, first in its key's line
			raw.add(partition, "o", "web", "g", "gone", "i", "999", "p", "{not json", "k", "k1");
			TaskTemplate tasks = RedisNodes.template(origin).withKey("k1");
			List<TaskResult<String>> results = new CopyOnWriteArrayList<>();
			for (int seq = 0; seq < 3; seq++) {
				tasks.dispatch(new Step("k1", seq, 0), (TaskResult<String> r) -> results.add(r));
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == 3);

			assertThat(results).allMatch(TaskResult::isSuccess);
			assertThat(KeyedHandlers.starts(origin.getBean(StringRedisTemplate.class), nodes.prefix, "k1"))
				.extracting((start) -> start.substring(0, start.indexOf('@')))
				.containsExactly("0", "1", "2");
			String dead = keys.dead("Step");
			assertThat(raw.length(dead)).isEqualTo(1);
			await().atMost(Duration.ofSeconds(30)).until(() -> raw.length(partition) == 0);

			nodes.stop(worker); // nobody reads the partition now
			RedisDeadLetters deadLetters = origin.getBean(RedisDeadLetters.class);
			assertThat(deadLetters.redrive("Step", null)).isEqualTo(1);
			assertThat(raw.length(partition)).isEqualTo(1);
			assertThat(raw.length(keys.task("Step"))).isZero();
		}
	}

}
