package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;

import io.github.asynctask.transport.redis.RedisNodes.Work;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisStreamCommands.XClaimOptions;
import org.springframework.data.redis.connection.RedisStreamCommands.XPendingOptions;
import org.springframework.data.redis.connection.stream.PendingMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A lease is renewed only while the node still owns its entry: a renewal never takes an entry back from a node that
 * took it over.
 */
class RedisLeaseTests {

	@Test
	void aRenewalNeverTakesBackAnEntryAnotherNodeTookOver() {
		try (RedisNodes nodes = new RedisNodes("lease-owner"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			String worker = "worker-" + nodes.prefix;
			ConfigurableApplicationContext origin = nodes.start("web-" + nodes.prefix, "async-task.redis.consume=false");
			nodes.start(worker, "async-task.task-worker-num=2", "async-task.redis.claim-idle=900ms");
			String stream = nodes.prefix + ":task:Work";
			RedisNodes.template(origin).dispatch(new Work("taken-" + worker, 4000));
			RedisNodes.template(origin).dispatch(new Work("kept-" + worker, 4000));
			await().atMost(Duration.ofSeconds(20)).until(() -> RedisNodes.runsOn(worker).size() == 2);
			List<PendingMessage> pending = pending(raw, stream);
			assertThat(pending).hasSize(2).allMatch((p) -> p.getConsumerName().equals(worker));
			String taken = pending.get(0).getIdAsString();
			String kept = pending.get(1).getIdAsString();

			// another node takes the first entry over (as after a pause of this node longer than claim-idle)
			long takenAt = System.nanoTime();
			raw.connection.streamCommands().xClaimJustId(RedisKeys.bytes(stream), RedisKeys.GROUP, "thief",
					XClaimOptions.minIdle(Duration.ZERO).ids(taken));
			// wait for a renewal round after it: the kept entry's idle time restarts
			await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
				PendingMessage keptNow = entry(raw, stream, kept);
				return keptNow != null
						&& keptNow.getElapsedTimeSinceLastDelivery().toNanos() < System.nanoTime() - takenAt;
			});
			PendingMessage takenNow = entry(raw, stream, taken);
			assertThat(takenNow).isNotNull();
			assertThat(takenNow.getConsumerName()).as("the owner of the entry taken over").isEqualTo("thief");
		}
	}

	private static List<PendingMessage> pending(RedisTransportTests.Raw raw, String stream) {
		return raw.connection.streamCommands()
			.xPending(RedisKeys.bytes(stream), RedisKeys.GROUP, XPendingOptions.unbounded(10L))
			.stream()
			.toList();
	}

	private static PendingMessage entry(RedisTransportTests.Raw raw, String stream, String id) {
		return pending(raw, stream).stream().filter((p) -> p.getIdAsString().equals(id)).findFirst().orElse(null);
	}

}
