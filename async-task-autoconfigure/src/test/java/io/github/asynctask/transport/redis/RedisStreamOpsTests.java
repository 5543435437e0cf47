package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The raw commands against a real Redis: group creation, takeover with its cursor and delivery counts, cancel of an
 * unread entry, stats.
 */
class RedisStreamOpsTests {

	private final RedisKeys keys = new RedisKeys(RedisTestServer.uniquePrefix("ops"));

	private LettuceConnectionFactory factory;

	private RedisConnection connection;

	@BeforeEach
	void connect() {
		this.factory = RedisTestServer.get().connectionFactory();
		this.connection = this.factory.getConnection();
	}

	@AfterEach
	void cleanUp() {
		RedisTestSupport.deleteKeys(this.connection, this.keys.prefix());
		this.connection.close();
		this.factory.destroy();
	}

	private byte[] stream() {
		return RedisKeys.bytes(this.keys.task("Job"));
	}

	private String add(String payload) {
		return RedisStreamOps.add(this.connection, stream(), Entries.entry("p", payload), 0).getValue();
	}

	private List<?> read(String consumer, int count) {
		return this.connection.streamCommands().xReadGroup(Consumer.from(RedisKeys.GROUP, consumer),
				StreamReadOptions.empty().count(count), StreamOffset.create(stream(), ReadOffset.lastConsumed()));
	}

	@Test
	void groupIsCreatedOnceAndDeliversEntriesWrittenBeforeIt() {
		add("before");
		assertThat(RedisStreamOps.createGroup(this.connection, stream())).isTrue();
		assertThat(RedisStreamOps.createGroup(this.connection, stream())).isFalse();
		assertThat(read("a", 10)).hasSize(1);
	}

	@Test
	void groupCreationMakesTheStream() {
		assertThat(RedisStreamOps.createGroup(this.connection, stream())).isTrue();
		assertThat(this.connection.streamCommands().xLen(stream())).isZero();
	}

	@Test
	void autoClaimTakesOverIdleEntriesAndCountsADelivery() {
		RedisStreamOps.createGroup(this.connection, stream());
		String first = add("1");
		String second = add("2");
		assertThat(read("dead-node", 10)).hasSize(2);
		RedisStreamOps.AutoClaimed claimed = RedisStreamOps.autoClaim(this.connection, stream(), "live-node",
				Duration.ZERO, "0-0", 1);
		assertThat(claimed.claimed()).extracting(RedisStreamOps.Claimed::id).containsExactly(first);
		assertThat(claimed.claimed().get(0).fields()).containsKey("p");
		assertThat(claimed.cursor()).isEqualTo(second);
		RedisStreamOps.AutoClaimed rest = RedisStreamOps.autoClaim(this.connection, stream(), "live-node",
				Duration.ZERO, claimed.cursor(), 10);
		assertThat(rest.claimed()).extracting(RedisStreamOps.Claimed::id).containsExactly(second);
		assertThat(rest.cursor()).isEqualTo("0-0");
		Map<String, Long> counts = RedisStreamOps.deliveryCounts(this.connection, stream(), "live-node", first,
				second, 10);
		assertThat(counts).containsEntry(first, 2L).containsEntry(second, 2L);
	}

	@Test
	void autoClaimReportsEntriesDeletedWhilePending() {
		RedisStreamOps.createGroup(this.connection, stream());
		String id = add("gone");
		read("dead-node", 10);
		this.connection.streamCommands().xDel(stream(), id);
		RedisStreamOps.AutoClaimed claimed = RedisStreamOps.autoClaim(this.connection, stream(), "live-node",
				Duration.ZERO, "0-0", 10);
		// Redis 7 lists it as deleted; Redis 6.2 returns a nil in its place and leaves it pending
		if (claimed.deleted().isEmpty()) {
			assertThat(claimed.nils()).isEqualTo(1);
			assertThat(RedisStreamOps.deletedPending(this.connection, stream(), "live-node", 10)).containsExactly(id);
		}
		else {
			assertThat(claimed.deleted()).containsExactly(id);
		}
	}

	@Test
	void renewalKeepsAnEntryFromBeingTakenOver() {
		RedisStreamOps.createGroup(this.connection, stream());
		String id = add("long");
		read("busy-node", 10);
		RedisStreamOps.renew(this.connection, stream(), "busy-node", List.of(id));
		RedisStreamOps.AutoClaimed claimed = RedisStreamOps.autoClaim(this.connection, stream(), "other-node",
				Duration.ofSeconds(10), "0-0", 10);
		assertThat(claimed.claimed()).isEmpty();
		assertThat(RedisStreamOps.deliveryCounts(this.connection, stream(), "busy-node", id, id, 1))
			.containsEntry(id, 1L);
	}

	@Test
	void cancelDeletesOnlyUnreadEntries() {
		RedisStreamOps.createGroup(this.connection, stream());
		String read = add("read");
		read("a", 1);
		String unread = add("unread");
		assertThat(RedisStreamOps.cancelUnread(this.connection, stream(), read)).isFalse();
		assertThat(RedisStreamOps.cancelUnread(this.connection, stream(), unread)).isTrue();
		assertThat(RedisStreamOps.cancelUnread(this.connection, stream(), unread)).isFalse();
		assertThat(this.connection.streamCommands().xLen(stream())).isEqualTo(1);
	}

	@Test
	void statsReportLengthPendingLagAndConsumers() {
		RedisStreamOps.createGroup(this.connection, stream());
		add("1");
		add("2");
		add("3");
		read("node-a", 1);
		RedisStreamStats stats = RedisStreamOps.stats(this.connection, "Job", stream());
		assertThat(stats.length()).isEqualTo(3);
		assertThat(stats.pending()).isEqualTo(1);
		assertThat(stats.lag()).isEqualTo(2);
		assertThat(stats.consumers()).extracting(RedisStreamStats.Consumer::name).containsExactly("node-a");
	}

	@Test
	void taskStreamsAreFoundByScan() {
		RedisStreamOps.createGroup(this.connection, stream());
		RedisStreamOps.createGroup(this.connection, RedisKeys.bytes(this.keys.task("Other")));
		assertThat(RedisStreamOps.taskStreams(this.connection, this.keys)).containsExactlyInAnyOrder(
				this.keys.task("Job"), this.keys.task("Other"));
	}

}
