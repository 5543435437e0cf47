package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.stream.StreamInfo.XInfoConsumer;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;

/**
 * What a node leaves in Redis, removed: its own consumers and reply stream at a clean stop ({@link #cleanStop}), and
 * those of nodes that died, by every live node, once a round every {@code claim-idle} ({@link #run}), in which the
 * node's {@link ReplyExpiry} also ends the tasks it dispatched whose reply can no longer come. A node is dead
 * when its heartbeat key ({@code <prefix>:node:<id>}, TTL {@code claim-idle}) is gone. Of a dead node,
 * <ul>
 * <li>a consumer is removed ({@code XGROUP DELCONSUMER}) once it holds nothing (the lease keepers of the live nodes
 * take its pending entries over first) and has been idle for {@code claim-idle};</li>
 * <li>a reply stream is deleted once its newest reply is older than {@code claim-idle}: replies to tasks that the
 * node, gone, can no longer receive.</li>
 * </ul>
 * Each removal is one script on one key that checks its condition in the same step, so a consumer holding an entry
 * is never removed (which would drop the entry from the pending list) and a reply stream that just got a reply is
 * never deleted (its node may have started again). A consumer removed by mistake costs nothing: the next read
 * creates it again.
 * <p>
 * Threading: {@link #start} and {@link #stop} by the transport's lifecycle; {@link #cleanStop} on the stopping
 * thread, after the readers, the writer and the lease keeper stopped.
 */
final class NodeCleanup implements RedisLoop.Step {

	private static final Log logger = LogFactory.getLog(NodeCleanup.class);

	/**
	 * Removes consumer ARGV[2] of group ARGV[1] if it holds no pending entry and was idle for at least ARGV[3] ms; 1
	 * if it did.
	 */
	private static final byte[] DELETE_IDLE_CONSUMER = RedisKeys.bytes("""
			for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
			  local name, pending, idle = nil, nil, nil
			  for i = 1, #c, 2 do
			    if c[i] == 'name' then name = c[i + 1] end
			    if c[i] == 'pending' then pending = c[i + 1] end
			    if c[i] == 'idle' then idle = c[i + 1] end
			  end
			  if name == ARGV[2] then
			    if pending == 0 and idle >= tonumber(ARGV[3]) then
			      redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
			      return 1
			    end
			    return 0
			  end
			end
			return 0
			""");

	/** Deletes a stream whose newest entry is older than ARGV[1] ms (by the Redis server's clock); 1 if it did. */
	private static final byte[] DELETE_IF_QUIET = RedisKeys.bytes("""
			local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
			if #last > 0 then
			  local ms = tonumber(string.match(last[1][1], '^(%d+)'))
			  local t = redis.call('TIME')
			  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			  if now - ms < tonumber(ARGV[1]) then return 0 end
			end
			return redis.call('DEL', KEYS[1])
			""");

	private final RedisKeys keys;

	private final String node;

	private final List<TaskStream> streams;

	private final Duration claimIdle;

	private final ReplyExpiry expiry;

	private final long periodNanos;

	private final RedisLoop loop;

	private long nextNanos;

	NodeCleanup(RedisConnectionFactory factory, RedisKeys keys, String node, List<TaskStream> streams,
			Duration claimIdle, ReplyExpiry expiry) {
		this.expiry = expiry;
		this.keys = keys;
		this.node = node;
		this.streams = List.copyOf(streams);
		this.claimIdle = claimIdle;
		this.periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(100), claimIdle.toNanos());
		this.loop = new RedisLoop(factory, "async-task-redis-cleanup", "Redis cleanup of dead nodes by node " + node,
				logger, true, this);
	}

	void start() {
		this.nextNanos = System.nanoTime() + this.periodNanos;
		this.loop.start();
	}

	void stop() {
		this.loop.stop();
		this.loop.await(5000);
	}

	@Override
	public void run(RedisConnection connection) {
		long wait = this.nextNanos - System.nanoTime();
		if (wait > 0) {
			LockSupport.parkNanos(this, wait);
			return;
		}
		this.nextNanos = System.nanoTime() + this.periodNanos;
		cleanDeadNodes(connection);
		this.expiry.round(connection);
	}

	/** One round: the consumers and reply streams of nodes whose heartbeat is gone. */
	void cleanDeadNodes(RedisConnection connection) {
		byte[] minIdle = RedisKeys.bytes(Long.toString(this.claimIdle.toMillis()));
		for (TaskStream stream : this.streams) {
			for (XInfoConsumer info : consumerInfos(connection, stream)) {
				String consumer = info.consumerName();
				// a live node's reader shows up at least every few hundred milliseconds, or holds entries
				if (consumer.equals(this.node) || info.pendingCount() > 0
						|| info.idleTime().compareTo(this.claimIdle) < 0) {
					continue;
				}
				if (!alive(connection, consumer) && deleteConsumer(connection, stream, consumer, minIdle)) {
					logger.info("Removed the consumer of node " + consumer + " from " + stream + ": the node is gone "
							+ "(no heartbeat) and its consumer held nothing");
				}
			}
		}
		for (String reply : replyStreams(connection)) {
			String owner = reply.substring(this.keys.reply("").length());
			if (owner.equals(this.node) || alive(connection, owner)) {
				continue;
			}
			Long deleted = connection.scriptingCommands().eval(DELETE_IF_QUIET, ReturnType.INTEGER, 1,
					RedisKeys.bytes(reply), minIdle);
			if (deleted != null && deleted > 0) {
				logger.info("Deleted the reply stream " + reply + " of node " + owner + ": the node is gone (no "
						+ "heartbeat) and no reply was added for async-task.redis.claim-idle");
			}
		}
	}

	/**
	 * At a clean stop: removes this node's consumer from every group where it holds nothing, and deletes its reply
	 * stream (the outcomes still on their way have no one to go to). A consumer still holding entries (a write that
	 * never went out) stays; the other nodes take its entries over and remove it after {@code claim-idle}.
	 */
	void cleanStop(RedisConnection connection) {
		byte[] noMinIdle = RedisKeys.bytes("0");
		int kept = 0;
		for (TaskStream stream : this.streams) {
			try {
				if (!deleteConsumer(connection, stream, this.node, noMinIdle) && consumers(connection, stream)
					.contains(this.node)) {
					kept++;
				}
			}
			catch (RuntimeException ex) {
				if (!RedisStreamOps.groupLost(ex) && !RedisStreamOps.messageContains(ex, "no such key")) {
					throw ex;
				}
			}
		}
		connection.keyCommands().del(RedisKeys.bytes(this.keys.reply(this.node)));
		if (kept > 0) {
			logger.warn("Node " + this.node + " stopped still holding entries in " + kept + " task stream(s): its "
					+ "consumer stays there until another node takes them over, after async-task.redis.claim-idle");
		}
	}

	private static boolean deleteConsumer(RedisConnection connection, TaskStream stream, String consumer,
			byte[] minIdle) {
		Long deleted = connection.scriptingCommands().eval(DELETE_IDLE_CONSUMER, ReturnType.INTEGER, 1,
				stream.keyBytes, RedisKeys.bytes(RedisKeys.GROUP), RedisKeys.bytes(consumer), minIdle);
		return deleted != null && deleted > 0;
	}

	private static List<String> consumers(RedisConnection connection, TaskStream stream) {
		List<String> names = new ArrayList<>();
		for (XInfoConsumer consumer : consumerInfos(connection, stream)) {
			names.add(consumer.consumerName());
		}
		return names;
	}

	private static List<XInfoConsumer> consumerInfos(RedisConnection connection, TaskStream stream) {
		List<XInfoConsumer> consumers = new ArrayList<>();
		try {
			connection.streamCommands().xInfoConsumers(stream.keyBytes, RedisKeys.GROUP).forEach(consumers::add);
		}
		catch (RuntimeException ex) {
			if (!RedisStreamOps.groupLost(ex) && !RedisStreamOps.messageContains(ex, "no such key")) {
				throw ex;
			}
		}
		return consumers;
	}

	private boolean alive(RedisConnection connection, String node) {
		Boolean exists = connection.keyCommands().exists(RedisKeys.bytes(this.keys.node(node)));
		return exists == null || exists;
	}

	private List<String> replyStreams(RedisConnection connection) {
		List<String> names = new ArrayList<>();
		ScanOptions options = ScanOptions.scanOptions().match(this.keys.replyPattern()).count(1000)
			.type(DataType.STREAM).build();
		try (Cursor<byte[]> cursor = connection.keyCommands().scan(options)) {
			while (cursor.hasNext()) {
				names.add(RedisKeys.text(cursor.next()));
			}
		}
		return names;
	}

}
