package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import io.github.asynctask.transport.redis.RedisNodes.Receipt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An entry is acknowledged only after its reply was written: a reply Redis refuses leaves the entry pending, and the
 * write is retried until Redis takes it, with one outcome at the origin.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisReplyRefusedTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Test
	void aReplyRedisRefusesLeavesTheEntryPendingAndIsWrittenOnceRedisTakesIt(CapturedOutput output) {
		try (RedisNodes nodes = new RedisNodes("reply-refused"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			String web = "web-" + nodes.prefix;
			String worker = "worker-" + nodes.prefix;
			ConfigurableApplicationContext origin = nodes.start(web, "async-task.redis.consume=false");
			String replyKey = nodes.prefix + ":reply:" + web;
			String stream = nodes.prefix + ":task:Echo";
			// the origin's reply key is taken by a value of another type: every reply XADD fails with WRONGTYPE
			raw.connection.stringCommands().set(RedisKeys.bytes(replyKey), RedisKeys.bytes("not a stream"));
			long refusedBefore = failedXadds(raw);
			nodes.start(worker);
			List<TaskResult<Receipt>> outcomes = new CopyOnWriteArrayList<>();
			String label = "refused-" + nodes.prefix;
			RedisNodes.template(origin).dispatch(new Echo(label), (TaskResult<Receipt> r) -> outcomes.add(r));
			await().atMost(WAIT).until(() -> RedisNodes.runsOf(label) == 1
					&& (refusedBefore < 0 || failedXadds(raw) > refusedBefore));

			assertThat(raw.pending(stream)).as("the entry whose reply was refused stays pending").isEqualTo(1);
			assertThat(raw.length(stream)).isEqualTo(1);
			assertThat(outcomes).isEmpty();

			raw.connection.keyCommands().del(RedisKeys.bytes(replyKey)); // Redis takes replies again
			await().atMost(WAIT).until(() -> outcomes.size() == 1);
			assertThat(outcomes.get(0).status()).isEqualTo(TaskStatus.SUCCEEDED);
			assertThat(outcomes.get(0).value()).isEqualTo(new Receipt(label, worker, 1));
			await().atMost(WAIT).until(() -> raw.pending(stream) == 0 && raw.length(stream) == 0);
			// ran once, reported once: a marker dispatched behind it arrives, and nothing more came
			assertThat(RedisNodes.template(origin).<Receipt>dispatchAndWait(new Echo("marker-" + label), WAIT).text())
				.isEqualTo("marker-" + label);
			assertThat(outcomes).hasSize(1);
			assertThat(RedisNodes.runsOf(label)).isEqualTo(1);
			// the log tells a refused command from a lost connection
			assertThat(output.getOut())
				.contains("Redis refused the reply to node " + web + " of entry")
				.contains("Redis refused a command of the Redis reply reader of node " + web + " (RedisSystemException: "
						+ "WRONGTYPE")
				.doesNotContain("lost its Redis connection");
		}
	}

	/** XADD calls Redis refused so far (Redis 7 counts them; -1 where it does not). */
	private static long failedXadds(RedisTransportTests.Raw raw) {
		Properties stats = raw.connection.serverCommands().info("commandstats");
		String xadd = (stats != null) ? stats.getProperty("cmdstat_xadd") : null;
		if (xadd == null) {
			return -1;
		}
		for (String part : xadd.split(",")) {
			if (part.startsWith("failed_calls=")) {
				return Long.parseLong(part.substring("failed_calls=".length()));
			}
		}
		return -1;
	}

}
