package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;

/**
 * The inbound reader of a consuming node: one thread that reads the node's task streams ({@code XREADGROUP}, as the
 * node's consumer in each stream's group) into the room its {@link HeldEntries} leave, and hands each entry to the
 * {@link Inbound}. After a failure it first re-reads the entries already delivered to its consumer name (a reply to
 * a read may have been lost with the connection).
 * <p>
 * Threading: {@link #start} and {@link #stop} by the transport's lifecycle.
 */
final class StreamReader implements RedisLoop.Step {

	private static final Log logger = LogFactory.getLog(StreamReader.class);

	/** Longest time one blocking read waits: a stop waits at most this long for the reader. */
	static final Duration BLOCK = Duration.ofMillis(200);

	private final String node;

	private final List<TaskStream> streams;

	private final Map<String, TaskStream> byKey = new HashMap<>();

	private final HeldEntries held;

	private final Inbound inbound;

	private final int batchSize;

	private final RedisLoop loop;

	private final Consumer consumer;

	private final StreamOffset<byte[]>[] offsets;

	/** Re-read this consumer's pending entries first (at start, and after a failure). */
	private boolean rereadPending = true;

	private volatile boolean waitingForRoom;

	@SuppressWarnings("unchecked")
	StreamReader(RedisConnectionFactory factory, String node, List<TaskStream> streams, HeldEntries held,
			Inbound inbound, int batchSize) {
		this.node = node;
		this.streams = List.copyOf(streams);
		for (TaskStream stream : streams) {
			this.byKey.put(stream.key, stream);
		}
		this.held = held;
		this.inbound = inbound;
		this.batchSize = batchSize;
		this.consumer = Consumer.from(RedisKeys.GROUP, node);
		this.offsets = new StreamOffset[this.streams.size()];
		for (int i = 0; i < this.offsets.length; i++) {
			this.offsets[i] = StreamOffset.create(this.streams.get(i).keyBytes, ReadOffset.lastConsumed());
		}
		// not a daemon: like a Kafka listener, a consuming node with nothing else to do (no web server) stays up until
		// its context is closed; the lifecycle's stop ends the thread
		this.loop = new RedisLoop(factory, "async-task-redis-reader", "Redis reader of node " + node, logger, false,
				this);
		held.onRoom(() -> {
			if (this.waitingForRoom) {
				this.loop.wake();
			}
		});
	}

	void start() {
		this.loop.start();
	}

	/** Stops reading: returns once the reader thread has ended (within {@link #BLOCK} of a read). */
	void stop() {
		this.loop.stop();
		this.loop.await(BLOCK.toMillis() * 10 + 2000);
	}

	@Override
	public void run(RedisConnection connection) {
		int room = this.held.room();
		if (room <= 0) {
			this.waitingForRoom = true;
			if (this.held.room() <= 0 && !this.loop.stopping()) {
				LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
			}
			this.waitingForRoom = false;
			return;
		}
		if (this.rereadPending) {
			readOwnPending(connection); // if it throws, the flag stays set and the next round tries again
			this.rereadPending = false;
			return;
		}
		StreamReadOptions options = StreamReadOptions.empty().count(Math.min(this.batchSize, room)).block(BLOCK);
		List<ByteRecord> records;
		try {
			records = connection.streamCommands().xReadGroup(this.consumer, options, this.offsets);
		}
		catch (RuntimeException ex) {
			this.rereadPending = true;
			throw ex;
		}
		if (records != null) {
			for (ByteRecord record : records) {
				TaskStream stream = this.byKey.get(RedisKeys.text(record.getStream()));
				if (stream != null) {
					this.inbound.take(stream, record.getId().getValue(), Entries.fields(record.getValue()), 1);
				}
			}
		}
	}

	/**
	 * Reads the entries pending for this node's consumer name that it does not hold: after a restart with the same
	 * node id, or after a read whose reply the broken connection lost.
	 */
	private void readOwnPending(RedisConnection connection) {
		for (TaskStream stream : this.streams) {
			String from = "0-0";
			while (!this.loop.stopping()) {
				List<ByteRecord> records = connection.streamCommands().xReadGroup(this.consumer,
						StreamReadOptions.empty().count(this.batchSize),
						StreamOffset.create(stream.keyBytes, ReadOffset.from(from)));
				if (records == null || records.isEmpty()) {
					break;
				}
				List<ByteRecord> fresh = new ArrayList<>(records.size());
				for (ByteRecord record : records) {
					if (!stream.held().contains(record.getId().getValue())) {
						fresh.add(record);
					}
				}
				if (!fresh.isEmpty()) {
					Map<String, Long> counts = RedisStreamOps.deliveryCounts(connection, stream.keyBytes, this.node,
							fresh.get(0).getId().getValue(), fresh.get(fresh.size() - 1).getId().getValue(),
							fresh.size());
					for (ByteRecord record : fresh) {
						String id = record.getId().getValue();
						Map<byte[], byte[]> value = record.getValue();
						if (value == null || value.isEmpty()) {
							this.inbound.deleted(stream, id, counts.getOrDefault(id, 1L));
						}
						else {
							this.inbound.take(stream, id, Entries.fields(value), counts.getOrDefault(id, 2L));
						}
					}
				}
				from = records.get(records.size() - 1).getId().getValue();
			}
		}
	}

}
