package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;

/**
 * The inbound reader of one task stream on a consuming node: a thread that reads the stream as the node's consumer
 * in its group ({@code XREADGROUP} on that one key, so it works on Redis Cluster whatever slot each task name hashes
 * to) into the room the node's {@link HeldEntries} leave, and hands each entry to the {@link Inbound}. When the
 * stream has nothing new it waits with {@code XREAD BLOCK ... $}, which takes nothing, so a reader waiting on an idle
 * stream holds no room that another stream's entries need.
 * At start and after a failure it first re-reads the entries already delivered to its consumer name (a reply to a
 * read may have been lost with the connection). A group found gone ({@code NOGROUP}: the stream deleted, Redis
 * restarted without persistence) is created again at once, with a WARN.
 * <p>
 * Threading: {@link #start}, {@link #stop} and {@link #await} by the transport's lifecycle.
 */
final class StreamReader implements RedisLoop.Step {

	private static final Log logger = LogFactory.getLog(StreamReader.class);

	/** Longest time one blocking read waits: a stop waits at most this long for the reader. */
	static final Duration BLOCK = Duration.ofMillis(200);

	private final String node;

	private final TaskStream stream;

	private final HeldEntries held;

	private final Inbound inbound;

	private final RedisLoop loop;

	private final Consumer consumer;

	private final StreamOffset<byte[]> offset;

	private final StreamOffset<byte[]> newEntries;

	/**
	 * Where the re-read of this consumer's pending entries goes on ({@code 0-0} at start and after a failure), or
	 * {@code null} once it reached their end.
	 */
	private @Nullable String pendingFrom = "0-0";

	/** The most one read asks for (within the room left). */
	private final int readSize;

	private volatile boolean waitingForRoom;

	StreamReader(RedisConnectionFactory factory, String node, TaskStream stream, HeldEntries held, Inbound inbound,
			int batchSize) {
		this.node = node;
		this.stream = stream;
		this.held = held;
		this.inbound = inbound;
		this.readSize = batchSize;
		this.consumer = Consumer.from(RedisKeys.GROUP, node);
		this.offset = StreamOffset.create(stream.keyBytes, ReadOffset.lastConsumed());
		this.newEntries = StreamOffset.create(stream.keyBytes, ReadOffset.latest());
		// not a daemon: like a Kafka listener, a consuming node with nothing else to do (no web server) stays up until
		// its context is closed; the lifecycle's stop ends the thread
		this.loop = new RedisLoop(factory, "async-task-redis-reader-" + stream.taskName,
				"Redis reader of node " + node + " for " + stream, logger, false, this);
		held.onRoom(this::roomFreed);
	}

	void start() {
		this.loop.start();
	}

	/** Asks the reader to stop; it ends within {@link #BLOCK} of a read ({@link #await}). */
	void stop() {
		this.loop.stop();
	}

	void await() {
		this.loop.await(BLOCK.toMillis() * 10 + 2000);
	}

	private void roomFreed() {
		if (this.waitingForRoom) {
			this.loop.wake();
		}
	}

	@Override
	public void run(RedisConnection connection) {
		int reserved = this.held.reserve(this.readSize, false);
		if (reserved == 0) {
			this.waitingForRoom = true;
			if (!this.held.readable() && !this.loop.stopping()) {
				LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
			}
			this.waitingForRoom = false;
			return;
		}
		try {
			if (this.pendingFrom != null) {
				readOwnPending(connection, reserved);
				return;
			}
			// a read that takes entries never blocks: a blocked read would hold room another stream's entries need
			List<ByteRecord> records = connection.streamCommands().xReadGroup(this.consumer,
					StreamReadOptions.empty().count(reserved), this.offset);
			if (records != null && !records.isEmpty()) {
				for (ByteRecord record : records) {
					this.inbound.take(this.stream, record.getId().getValue(), Entries.fields(record.getValue()), 1,
							true);
				}
				return;
			}
			this.held.unreserve(reserved);
			reserved = 0;
			// nothing new: wait, holding no room, until an entry is added (an entry added between the two reads
			// waits for the next round, within BLOCK)
			connection.streamCommands().xRead(StreamReadOptions.empty().count(1).block(BLOCK), this.newEntries);
		}
		catch (RuntimeException ex) {
			this.pendingFrom = "0-0";
			if (RedisStreamOps.groupLost(ex)) {
				recreateGroup(connection, this.stream, this.node);
				return;
			}
			throw ex;
		}
		finally {
			this.held.unreserve(reserved);
		}
	}

	/** Creates a stream's group again after it was found gone; says so once, from the node that created it. */
	static void recreateGroup(RedisConnection connection, TaskStream stream, String node) {
		if (RedisStreamOps.createGroup(connection, stream.keyBytes)) {
			logger.warn("The consumer group of " + stream + " was gone (the stream was deleted, or Redis restarted "
					+ "without persistence); node " + node + " created it again. Entries read before are no longer "
					+ "pending there (their outcomes are still written); entries written from now on run as usual.");
		}
	}

	/**
	 * Reads (up to {@code room} of) the entries pending for this node's consumer name that it does not hold: after a
	 * restart with the same node id, or after a read whose reply the broken connection lost. Goes on from where it
	 * stopped in the next round, until it reaches the end. It finds them with {@code XPENDING} and reads them with
	 * {@code XRANGE}, which count no delivery: reading them again with {@code XREADGROUP} would count one for every
	 * pending entry, held ones included, at each reconnect, until entries that ran once were dead-lettered. An entry
	 * found so is counted one delivery more than Redis says (the delivery whose read never reached this node).
	 */
	private void readOwnPending(RedisConnection connection, int room) {
		String from = this.pendingFrom;
		int page = room + this.stream.held().size() + 1;
		Map<String, Long> pending = RedisStreamOps.deliveryCounts(connection, this.stream.keyBytes, this.node,
				(from != null) ? from : "0-0", "+", page);
		pending.remove(from); // where the last page ended: seen already
		if (pending.isEmpty()) {
			this.pendingFrom = null;
			return;
		}
		int taken = 0;
		for (Map.Entry<String, Long> entry : pending.entrySet()) {
			String id = entry.getKey();
			this.pendingFrom = id;
			if (this.stream.held().contains(id)) {
				continue;
			}
			if (taken == room) {
				this.pendingFrom = previous(pending, id);
				return;
			}
			taken++;
			List<ByteRecord> records = connection.streamCommands().xRange(this.stream.keyBytes, Range.closed(id, id));
			Map<byte[], byte[]> value = (records == null || records.isEmpty()) ? null : records.get(0).getValue();
			if (value == null || value.isEmpty()) {
				this.inbound.deleted(this.stream, id, entry.getValue());
			}
			else {
				this.inbound.take(this.stream, id, Entries.fields(value), entry.getValue() + 1, true);
			}
		}
	}

	/** The id before {@code id} in the page (where the next page goes on from), or {@code 0-0}. */
	private static String previous(Map<String, Long> page, String id) {
		String previous = "0-0";
		for (String each : page.keySet()) {
			if (each.equals(id)) {
				break;
			}
			previous = each;
		}
		return previous;
	}

}
