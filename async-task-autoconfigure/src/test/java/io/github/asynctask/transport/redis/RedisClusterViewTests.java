package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskServerStats;
import io.github.asynctask.actuate.AsyncTaskCluster;
import io.github.asynctask.actuate.AsyncTaskHealthIndicator;
import io.github.asynctask.actuate.AsyncTaskHealthIndicator.State;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisClusterView} on the test Redis and on a Redis that is not there: reachability (and the health indicator
 * that reports it), heartbeat keys read as nodes, partition streams not reported as unknown.
 */
class RedisClusterViewTests {

	@Test
	void tellsWhetherRedisAnswersAndTheHealthIndicatorFollows() {
		LettuceConnectionFactory live = RedisTestServer.get().connectionFactory();
		LettuceConnectionFactory gone = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
		gone.afterPropertiesSet();
		gone.start();
		try {
			RedisClusterView reachable = view(live, "reachable", List::of);
			RedisClusterView unreachable = view(gone, "unreachable", List::of);
			assertThat(reachable.problem()).isNull();
			assertThat(unreachable.problem()).isNotBlank();

			Health up = health(reachable).health(true);
			assertThat(up.getStatus()).isEqualTo(Status.UP);
			assertThat(up.getDetails()).containsEntry("redis", "reachable");
			Health down = health(unreachable).health(true);
			assertThat(down.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) down.getDetails().get("redis")).startsWith("unreachable: ");
		}
		finally {
			gone.destroy();
			live.destroy();
		}
	}

	@Test
	void readsHeartbeatsAsNodesAndLeavesPartitionStreamsOutOfTheUnknownOnes() {
		String prefix = RedisTestServer.uniquePrefix("cluster-view");
		LettuceConnectionFactory factory = RedisTestServer.get().connectionFactory();
		try (RedisConnection connection = factory.getConnection()) {
			connection.hashCommands().hMSet(RedisKeys.bytes(prefix + ":node:node-a"),
					Map.of(RedisKeys.bytes("workers"), RedisKeys.bytes("4"), RedisKeys.bytes("running"),
							RedisKeys.bytes("1"), RedisKeys.bytes("lastSeen"), RedisKeys.bytes("1764760000000")));
			connection.keyCommands().pExpire(RedisKeys.bytes(prefix + ":node:node-a"), 30_000);
			connection.stringCommands().set(RedisKeys.bytes(prefix + ":node:node-b"), RedisKeys.bytes("alive"));
			for (String stream : List.of("Known", "Known:{3}", "Gone")) {
				connection.streamCommands()
					.xAdd(RedisStreamOps.record(RedisKeys.bytes(prefix + ":task:" + stream),
							Entries.entry("p", "{}")), org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions.none());
			}
			// a delayed task due long ago that no node moved: counted, and seen overdue on Redis's clock
			connection.zSetCommands().zAdd(RedisKeys.bytes(prefix + ":delayed:{" + prefix + ":task:Known}"),
					System.currentTimeMillis() - 60_000, RedisKeys.bytes("x"));

			RedisClusterView.Cluster cluster = view(factory, prefix, () -> List.of("Known")).read();
			assertThat(cluster.keyPrefix()).isEqualTo(prefix);
			assertThat(cluster.unknownStreams()).containsExactly("Gone");
			assertThat(cluster.nodes()).extracting(RedisClusterView.Node::id).containsExactly("node-a", "node-b");
			RedisClusterView.Node a = cluster.nodes().get(0);
			assertThat(a.heartbeat()).isTrue();
			assertThat(a.workers()).isEqualTo(4);
			assertThat(a.running()).isEqualTo(1);
			assertThat(a.lastSeen()).isEqualTo("2025-12-03T11:06:40Z");
			assertThat(cluster.nodes().get(1).workers()).isNull();
			assertThat(cluster.streams()).containsOnlyKeys("Known");
			assertThat(cluster.streams().get("Known").length()).isEqualTo(1);
			assertThat(cluster.streams().get("Known").delayed()).isEqualTo(1);
			assertThat(cluster.streams().get("Known").overdueMillis()).isGreaterThanOrEqualTo(50_000);
			assertThat(cluster.streams().get("Known").deadLetters()).isZero();
			RedisTestSupport.deleteKeys(connection, prefix);
		}
		finally {
			factory.destroy();
		}
	}

	private static RedisClusterView view(LettuceConnectionFactory factory, String prefix,
			Supplier<List<String>> names) {
		return new RedisClusterView(factory, new RedisKeys(prefix), "this-node", names, Duration.ofSeconds(30));
	}

	private static AsyncTaskHealthIndicator health(RedisClusterView view) {
		AsyncTaskCluster cluster = new AsyncTaskCluster() {

			@Override
			public Object describe() {
				return view.read();
			}

			@Override
			public List<?> deadLetters(String task, int limit) {
				return List.of();
			}

			@Override
			public long redrive(String task, @Nullable List<String> ids) {
				return 0;
			}

			@Override
			public long delete(String task, @Nullable List<String> ids) {
				return 0;
			}

			@Override
			public @Nullable String problem() {
				return view.problem();
			}

		};
		return new AsyncTaskHealthIndicator(new IdleServer(), () -> State.RUNNING, 100, 0.9, cluster);
	}

	/** A server with nothing queued: only the Redis part of the health is under test. */
	private static final class IdleServer implements TaskServer, TaskServerStats {

		@Override
		public int taskWorkerNum() {
			return 1;
		}

		@Override
		public TaskServerStats stats() {
			return this;
		}

		@Override
		public long dispatched() {
			return 0;
		}

		@Override
		public long completed() {
			return 0;
		}

		@Override
		public long failed() {
			return 0;
		}

		@Override
		public int taskingNum() {
			return 0;
		}

		@Override
		public int idleWorkerNum() {
			return 1;
		}

		@Override
		public long queuedNum() {
			return 0;
		}

		@Override
		public long scheduledNum() {
			return 0;
		}

		@Override
		public List<io.github.asynctask.WorkerStats> workers() {
			return List.of();
		}

	}

}
