package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
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
	 * stopped in the next round, until it reaches the end.
	 */
	private void readOwnPending(RedisConnection connection, int room) {
		List<ByteRecord> records = connection.streamCommands().xReadGroup(this.consumer,
				StreamReadOptions.empty().count(room),
				StreamOffset.create(this.stream.keyBytes, ReadOffset.from(this.pendingFrom)));
		if (records == null || records.isEmpty()) {
			this.pendingFrom = null;
			return;
		}
		this.pendingFrom = records.get(records.size() - 1).getId().getValue();
		List<ByteRecord> fresh = new ArrayList<>(records.size());
		for (ByteRecord record : records) {
			if (!this.stream.held().contains(record.getId().getValue())) {
				fresh.add(record);
			}
		}
		if (!fresh.isEmpty()) {
			Map<String, Long> counts = RedisStreamOps.deliveryCounts(connection, this.stream.keyBytes, this.node,
					fresh.get(0).getId().getValue(), fresh.get(fresh.size() - 1).getId().getValue(), fresh.size());
			for (ByteRecord record : fresh) {
				String id = record.getId().getValue();
				Map<byte[], byte[]> value = record.getValue();
				if (value == null || value.isEmpty()) {
					this.inbound.deleted(this.stream, id, counts.getOrDefault(id, 1L));
				}
				else {
					this.inbound.take(this.stream, id, Entries.fields(value), counts.getOrDefault(id, 2L), true);
				}
			}
		}
	}

}
