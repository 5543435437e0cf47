package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;

/**
 * The cluster as Redis sees it, read on demand through the application's {@link RedisConnectionFactory}, for the
 * endpoint, the dashboard and the meters. It reads only the key layout of the public contract and never talks to
 * the transport's threads:
 * <ul>
 * <li>streams: per task name of this application, the stream's length, the group's pending entries and lag, its
 * consumers ({@code XLEN}, {@code XPENDING}, {@code XINFO GROUPS}, {@code XINFO CONSUMERS}), the delayed
 * tasks ({@code ZCARD} of {@code <prefix>:delayed:{<stream key>}}, 0 where there is none) with how late the earliest
 * due one is on Redis's clock (a script that moves nothing, {@link DelayedEntries#MOVE}) and the dead letters
 * ({@code XLEN <prefix>:dead:<name>});</li>
 * <li>nodes: each heartbeat key {@code <prefix>:node:<id>} (found with one {@code SCAN} on that pattern; a hash's
 * {@code lastSeen}, {@code workers}, {@code running} and {@code consuming} fields are shown when it has them, else
 * the last time seen follows from the key's TTL), together with each consumer of a task stream that read within
 * {@code claim-idle}: a node that consumes is live, heartbeat or not;</li>
 * <li>unknown streams: task streams under the prefix that no handler of this application knows.</li>
 * </ul>
 * <p>
 * Threading: stateless; each call opens a connection of its own and may be made from any thread.
 */
public final class RedisClusterView {

	private final RedisConnectionFactory factory;

	private final RedisKeys keys;

	private final String node;

	private final Supplier<? extends Collection<String>> taskNames;

	private final Duration claimIdle;

	/**
	 * @param factory the application's connection factory
	 * @param keys the key layout
	 * @param node this node's id
	 * @param taskNames this application's task names (read at each call: they are known once handlers are found)
	 * @param claimIdle {@code async-task.redis.claim-idle}: a consumer that read within it is live
	 */
	public RedisClusterView(RedisConnectionFactory factory, RedisKeys keys, String node,
			Supplier<? extends Collection<String>> taskNames, Duration claimIdle) {
		this.factory = factory;
		this.keys = keys;
		this.node = node;
		this.taskNames = taskNames;
		this.claimIdle = claimIdle;
	}

	RedisConnectionFactory factory() {
		return this.factory;
	}

	RedisKeys keys() {
		return this.keys;
	}

	String node() {
		return this.node;
	}

	Supplier<? extends Collection<String>> taskNames() {
		return this.taskNames;
	}

	/** Reads the whole view. */
	public Cluster read() {
		try (RedisConnection connection = this.factory.getConnection()) {
			Map<String, Stream> streams = new LinkedHashMap<>();
			Map<String, Set<String>> consuming = new TreeMap<>();
			Map<String, Long> idle = new TreeMap<>();
			Collection<String> names = new TreeSet<>(this.taskNames.get());
			for (String name : names) {
				RedisStreamStats stats = RedisStreamOps.stats(connection, name, RedisKeys.bytes(this.keys.task(name)));
				for (RedisStreamStats.Consumer consumer : stats.consumers()) {
					long idleMillis = consumer.idle().toMillis();
					if (idleMillis < this.claimIdle.toMillis()) {
						consuming.computeIfAbsent(consumer.name(), (id) -> new TreeSet<>()).add(name);
						idle.merge(consumer.name(), idleMillis, Math::min);
					}
				}
				long[] delayed = delayed(connection, name);
				streams.put(name, new Stream(stats.length(), stats.pending(), stats.lag(), stats.consumers().size(),
						delayed[1], delayed[3], length(connection, this.keys.dead(name))));
			}
			return new Cluster(this.keys.prefix(), this.node, nodes(connection, consuming, idle), streams,
					unknownStreams(connection, names), partitions(connection, names));
		}
	}

	/**
	 * Whether Redis answers now.
	 * @return {@code null} if it does, else what went wrong
	 */
	public @Nullable String problem() {
		try (RedisConnection connection = this.factory.getConnection()) {
			String pong = connection.ping();
			return "PONG".equalsIgnoreCase(pong) ? null : "PING answered '" + pong + "'";
		}
		catch (RuntimeException ex) {
			return ex.getClass().getSimpleName() + ": " + ex.getMessage();
		}
	}

	private List<Node> nodes(RedisConnection connection, Map<String, Set<String>> consuming, Map<String, Long> idle) {
		long now = System.currentTimeMillis();
		String prefix = this.keys.prefix() + ":node:";
		Map<String, Node> nodes = new TreeMap<>();
		ScanOptions options = ScanOptions.scanOptions().match(escape(prefix) + "*").count(1000).build();
		List<byte[]> heartbeats = new ArrayList<>();
		try (Cursor<byte[]> cursor = connection.keyCommands().scan(options)) {
			cursor.forEachRemaining(heartbeats::add);
		}
		for (byte[] key : heartbeats) {
			String id = RedisKeys.text(key).substring(prefix.length());
			Map<String, String> fields = heartbeat(connection, key);
			Long ttl = connection.keyCommands().pTtl(key);
			long lastSeen = millis(fields.get("lastSeen"), (ttl != null && ttl > 0)
					? now - Math.max(0, this.claimIdle.toMillis() - ttl) : now);
			Set<String> tasks = new TreeSet<>(consuming.getOrDefault(id, Set.of()));
			String listed = fields.get("consuming");
			if (listed != null && !listed.isBlank()) {
				for (String task : listed.replace("[", "").replace("]", "").split("[,\\s]+")) {
					if (!task.isEmpty()) {
						tasks.add(task);
					}
				}
			}
			nodes.put(id, new Node(id, Instant.ofEpochMilli(lastSeen).toString(), true, List.copyOf(tasks),
					number(fields.get("workers")), number(fields.get("running"))));
		}
		consuming.forEach((id, tasks) -> nodes.computeIfAbsent(id, (key) -> new Node(id,
				Instant.ofEpochMilli(now - idle.getOrDefault(id, 0L)).toString(), false, List.copyOf(tasks), null,
				null)));
		return List.copyOf(nodes.values());
	}

	/**
	 * The partitions of keyed tasks each node owns now, by node id, as {@code <task-name>:<partition>}: from the
	 * partition count recorded per task name and each partition's lease (owner, and its end on Redis's clock).
	 */
	private Map<String, List<String>> partitions(RedisConnection connection, Collection<String> names) {
		Map<String, List<String>> owned = new TreeMap<>();
		long now = redisMillis(connection);
		for (String name : names) {
			byte[] recorded = connection.stringCommands().get(RedisKeys.bytes(this.keys.partitions(name)));
			Integer count = number((recorded != null) ? RedisKeys.text(recorded) : null);
			for (int p = 0; count != null && p < count; p++) {
				List<byte[]> lease = connection.hashCommands().hMGet(RedisKeys.bytes(this.keys.lease(name, p)),
						RedisKeys.bytes("o"), RedisKeys.bytes("u"));
				if (lease == null || lease.size() < 2 || lease.get(0) == null || lease.get(0).length == 0) {
					continue;
				}
				if (millis(lease.get(1) != null ? RedisKeys.text(lease.get(1)) : null, 0) > now) {
					owned.computeIfAbsent(RedisKeys.text(lease.get(0)), (id) -> new ArrayList<>()).add(name + ":" + p);
				}
			}
		}
		return owned;
	}

	private static long redisMillis(RedisConnection connection) {
		Long time = connection.serverCommands().time(TimeUnit.MILLISECONDS);
		return (time != null) ? time : System.currentTimeMillis();
	}

	private static Map<String, String> heartbeat(RedisConnection connection, byte[] key) {
		Map<String, String> fields = new TreeMap<>();
		try {
			DataType type = connection.keyCommands().type(key);
			if (type == DataType.HASH) {
				Map<byte[], byte[]> hash = connection.hashCommands().hGetAll(key);
				if (hash != null) {
					hash.forEach((name, value) -> fields.put(RedisKeys.text(name), RedisKeys.text(value)));
				}
			}
		}
		catch (RuntimeException ex) {
			// a heartbeat that expired or changed type between SCAN and reading it: its TTL tells enough
		}
		return fields;
	}

	/** The figures of a task name's delayed set: the move script moving nothing, on Redis's clock. */
	private long[] delayed(RedisConnection connection, String name) {
		String stream = this.keys.task(name);
		byte[] key = RedisKeys.bytes(DelayedEntries.key(this.keys.prefix(), stream));
		if (connection.keyCommands().type(key) != DataType.ZSET) {
			return new long[] { 0, 0, -1, 0 };
		}
		return DelayedEntries.move(connection, key, RedisKeys.bytes(stream), 0);
	}

	private static long length(RedisConnection connection, String key) {
		Long length = connection.streamCommands().xLen(RedisKeys.bytes(key));
		return (length != null) ? length : 0;
	}

	private List<String> unknownStreams(RedisConnection connection, Collection<String> names) {
		Set<String> unknown = new TreeSet<>();
		for (String key : RedisStreamOps.taskStreams(connection, this.keys)) {
			String name = this.keys.taskNameOf(key);
			if (name != null && !names.contains(name)) {
				unknown.add(name);
			}
		}
		return List.copyOf(unknown);
	}

	private static String escape(String pattern) {
		return pattern.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?").replace("[", "\\[");
	}

	private static long millis(@Nullable String text, long otherwise) {
		if (text == null) {
			return otherwise;
		}
		try {
			return Long.parseLong(text.trim());
		}
		catch (NumberFormatException ex) {
			try {
				return Instant.parse(text.trim()).toEpochMilli();
			}
			catch (RuntimeException notAnInstant) {
				return otherwise;
			}
		}
	}

	private static @Nullable Integer number(@Nullable String text) {
		if (text == null) {
			return null;
		}
		try {
			return Integer.valueOf(text.trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * The cluster.
	 * @param keyPrefix the prefix of every key
	 * @param node this node's id
	 * @param nodes the live nodes
	 * @param streams per task name of this application, its stream
	 * @param unknownStreams task names with a stream under the prefix but no handler here
	 * @param partitions by node id, the partitions of keyed tasks it owns now ({@code <task-name>:<partition>})
	 */
	public record Cluster(String keyPrefix, String node, List<Node> nodes, Map<String, Stream> streams,
			List<String> unknownStreams, Map<String, List<String>> partitions) {
	}

	/**
	 * A live node.
	 * @param id its node id
	 * @param lastSeen when it was last seen (ISO-8601): its heartbeat, else its last read
	 * @param heartbeat whether it has a heartbeat key
	 * @param consuming the task names whose stream it reads
	 * @param workers its task workers, when its heartbeat tells
	 * @param running tasks it runs now, when its heartbeat tells
	 */
	public record Node(String id, String lastSeen, boolean heartbeat, List<String> consuming,
			@Nullable Integer workers, @Nullable Integer running) {
	}

	/**
	 * A task name's stream.
	 * @param length entries in it
	 * @param pending entries read and not yet acknowledged
	 * @param lag entries not yet read
	 * @param consumers the group's consumers
	 * @param delayed delayed tasks waiting in Redis (not yet moved to the stream)
	 * @param overdueMillis how long the earliest delayed task has been due without being moved, on Redis's clock; 0
	 * if none is due (it grows when no node moves them: no consuming node, or movers that cannot keep up)
	 * @param deadLetters entries in its dead-letter stream
	 */
	public record Stream(long length, long pending, long lag, int consumers, long delayed, long overdueMillis,
			long deadLetters) {
	}

}
