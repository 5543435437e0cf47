package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The consuming side of a node: one reader thread that reads all of the node's task streams with one blocking
 * {@code XREADGROUP ... COUNT batch-size} on its own connection, and one lease thread that renews the leases of the
 * entries this node holds ({@code XCLAIM ... 0 <ids> JUSTID}) and takes over entries whose consumer stopped renewing
 * them ({@code XAUTOCLAIM}, looping on its cursor). Both re-open their connection after an error, with back-off, and
 * never die of one.
 * <p>
 * A node runs or queues at most {@code max(batch-size, task-worker-num)} entries at a time (read and not finished):
 * with a {@code batch-size} above its worker count it may hold entries that idle workers of other nodes could run;
 * an entry whose task finished stays held (its lease renewed) only until its outcome is written. Each entry read goes to the {@link Inbound},
 * which runs it and acknowledges it with its reply (then calls {@link #released}); an entry delivered more than
 * {@code max-deliveries} times, or one deleted while pending, is dead-lettered instead.
 * <p>
 * Threading: {@link #start} and {@link #stop} by the transport's lifecycle; {@link #released} from any thread.
 */
final class StreamConsumer {

	private static final Log logger = LogFactory.getLog(StreamConsumer.class);

	/** Longest time one blocking read waits: a stop waits at most this long for the reader. */
	static final Duration BLOCK = Duration.ofMillis(200);

	/** Where the entries go. */
	interface Inbound {

		/**
		 * Takes one entry read from a task stream; from now on it owns it and must end it with a reply, a hand-back
		 * or a dead letter, each of which acknowledges it and calls {@link #released}.
		 * @param deliveries how often Redis delivered it, this time included
		 */
		void accept(TaskStream stream, String id, Map<String, byte[]> fields, long deliveries);

		/** Dead-letters an entry that is not run (too many deliveries, deleted, unreadable). */
		void deadLetter(TaskStream stream, String id, @Nullable Map<String, byte[]> fields, String reason,
				long deliveries);

	}

	private final RedisConnectionFactory factory;

	private final String node;

	private final List<TaskStream> streams;

	private final Map<String, TaskStream> byKey = new HashMap<>();

	private final Inbound inbound;

	private final int batchSize;

	private final int maxHeld;

	private final int maxDeliveries;

	private final Duration claimIdle;

	private final AtomicInteger heldCount = new AtomicInteger();

	private final Thread reader;

	private final ScheduledExecutorService leases;

	private volatile boolean running = true;

	private volatile boolean leasing = true;

	private volatile boolean readerWaiting;

	/** The node lost its connection: re-read its own pending entries (a reply to a read may have been lost). */
	private boolean rereadPending = true;

	StreamConsumer(RedisConnectionFactory factory, String node, List<TaskStream> streams, Inbound inbound,
			int batchSize, int workers, int maxDeliveries, Duration claimIdle) {
		this.factory = factory;
		this.node = node;
		this.streams = List.copyOf(streams);
		for (TaskStream stream : streams) {
			this.byKey.put(stream.key, stream);
		}
		this.inbound = inbound;
		this.batchSize = batchSize;
		this.maxHeld = Math.max(batchSize, workers);
		this.maxDeliveries = maxDeliveries;
		this.claimIdle = claimIdle;
		this.reader = new Thread(this::read, "async-task-redis-reader");
		// not a daemon: like a Kafka listener, a consuming node with nothing else to do (no web server) stays up until
		// its context is closed; the lifecycle's stop ends the thread
		this.reader.setDaemon(false);
		this.leases = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "async-task-redis-lease");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Creates the consumer group of every stream (on the calling thread, so before the context is ready), then
	 * starts reading.
	 */
	void start() {
		if (this.streams.isEmpty()) {
			return;
		}
		try (RedisConnection connection = this.factory.getConnection()) {
			for (TaskStream stream : this.streams) {
				if (RedisStreamOps.createGroup(connection, stream.keyBytes) && logger.isDebugEnabled()) {
					logger.debug("Created consumer group '" + RedisKeys.GROUP + "' of " + stream.key);
				}
			}
		}
		this.reader.start();
		long period = leasePeriodMillis();
		// at a fixed rate: a late round catches up at once instead of pushing every later renewal back
		this.leases.scheduleAtFixedRate(this::renewAndTakeOver, period, period, TimeUnit.MILLISECONDS);
	}

	/** Entries held now whose task has not finished (read, queued or running here). */
	int held() {
		return this.heldCount.get();
	}

	/**
	 * The task of a held entry finished: it no longer counts against what the node may hold, although its lease
	 * lasts until its outcome is written ({@link #released}). So the time a reply takes to reach Redis does not hold
	 * the reader back.
	 */
	void finished(TaskStream stream, String id) {
		if (stream.unfinished().remove(id)) {
			int held = this.heldCount.decrementAndGet();
			if (this.readerWaiting && held < this.maxHeld) {
				LockSupport.unpark(this.reader);
			}
		}
	}

	/** An entry this node held is acknowledged (or handed back, or dead-lettered): its lease ends. */
	void released(TaskStream stream, String id) {
		finished(stream, id);
		stream.held().remove(id);
	}

	private boolean hold(TaskStream stream, String id) {
		if (stream.held().add(id)) {
			stream.unfinished().add(id);
			this.heldCount.incrementAndGet();
			return true;
		}
		return false;
	}

	private void read() {
		RedisConnections connections = new RedisConnections(this.factory, "Redis reader of node " + this.node, logger);
		Consumer consumer = Consumer.from(RedisKeys.GROUP, this.node);
		@SuppressWarnings("unchecked")
		StreamOffset<byte[]>[] offsets = new StreamOffset[this.streams.size()];
		for (int i = 0; i < offsets.length; i++) {
			offsets[i] = StreamOffset.create(this.streams.get(i).keyBytes, ReadOffset.lastConsumed());
		}
		while (this.running) {
			int room = this.maxHeld - this.heldCount.get();
			if (room <= 0) {
				this.readerWaiting = true;
				if (this.maxHeld - this.heldCount.get() <= 0 && this.running) {
					LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
				}
				this.readerWaiting = false;
				continue;
			}
			try {
				RedisConnection connection = connections.get();
				if (this.rereadPending) {
					readOwnPending(connection, consumer);
					this.rereadPending = false;
					continue;
				}
				StreamReadOptions options = StreamReadOptions.empty().count(Math.min(this.batchSize, room))
					.block(BLOCK);
				List<ByteRecord> records = connection.streamCommands().xReadGroup(consumer, options, offsets);
				connections.succeeded();
				if (records != null) {
					for (ByteRecord record : records) {
						TaskStream stream = this.byKey.get(RedisKeys.text(record.getStream()));
						if (stream != null) {
							handOver(stream, record.getId().getValue(), Entries.fields(record.getValue()), 1);
						}
					}
				}
			}
			catch (Throwable ex) {
				this.rereadPending = true;
				connections.failed(ex, this.running);
			}
		}
		connections.close();
	}

	/**
	 * Reads the entries pending for this node's consumer name that it does not hold: after a restart with the same
	 * node id, or after a read whose reply the broken connection lost.
	 */
	private void readOwnPending(RedisConnection connection, Consumer consumer) {
		for (TaskStream stream : this.streams) {
			String from = "0-0";
			while (this.running) {
				List<ByteRecord> records = connection.streamCommands().xReadGroup(consumer,
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
							deadLetter(stream, id, null, "deleted", counts.getOrDefault(id, 1L));
						}
						else {
							handOver(stream, id, Entries.fields(value), counts.getOrDefault(id, 2L));
						}
					}
				}
				from = records.get(records.size() - 1).getId().getValue();
			}
		}
	}

	private void handOver(TaskStream stream, String id, Map<String, byte[]> fields, long deliveries) {
		if (!hold(stream, id)) {
			return; // held already: a lease renewal or takeover raced with a read
		}
		if (deliveries > this.maxDeliveries) {
			this.inbound.deadLetter(stream, id, fields, "delivered " + deliveries + " times, more than "
					+ "async-task.redis.max-deliveries=" + this.maxDeliveries, deliveries);
			return;
		}
		try {
			this.inbound.accept(stream, id, fields, deliveries);
		}
		catch (Throwable ex) {
			logger.error("Handing over entry " + id + " of " + stream + " failed; it stays pending and is retried "
					+ "after async-task.redis.claim-idle", ex);
			released(stream, id);
		}
	}

	private void deadLetter(TaskStream stream, String id, @Nullable Map<String, byte[]> fields, String reason,
			long deliveries) {
		if (hold(stream, id)) {
			this.inbound.deadLetter(stream, id, fields, reason, deliveries);
		}
	}

	// Leases and takeover, on the lease thread

	private @Nullable RedisConnections leaseConnections;

	private void renewAndTakeOver() {
		if (!this.leasing) {
			return;
		}
		RedisConnections connections = this.leaseConnections;
		if (connections == null) {
			connections = new RedisConnections(this.factory, "Redis lease keeper of node " + this.node, logger);
			this.leaseConnections = connections;
		}
		try {
			RedisConnection connection = connections.get();
			renew(connection);
			if (this.running) {
				recoverOwn(connection);
				takeOver(connection);
			}
			connections.succeeded();
		}
		catch (Throwable ex) {
			connections.failed(ex, this.leasing);
		}
	}

	private void renew(RedisConnection connection) {
		List<TaskStream> renewed = new ArrayList<>();
		for (TaskStream stream : this.streams) {
			if (!stream.held().isEmpty()) {
				renewed.add(stream);
			}
		}
		if (renewed.isEmpty()) {
			return;
		}
		connection.openPipeline();
		try {
			for (TaskStream stream : renewed) {
				List<String> ids = new ArrayList<>(stream.held());
				if (!ids.isEmpty()) {
					RedisStreamOps.renew(connection, stream.keyBytes, this.node, ids);
				}
			}
		}
		finally {
			connection.closePipeline();
		}
	}

	/**
	 * Entries pending under this node's name that it does not hold, idle for two lease periods: deliveries whose
	 * reply a dropped connection lost (the client may re-send a read after it reconnects, so the reader never hears
	 * of the first one). No other node renews them, so they are this node's to run now, without waiting for
	 * claim-idle.
	 */
	private void recoverOwn(RedisConnection connection) {
		Duration idle = Duration.ofMillis(2 * leasePeriodMillis());
		for (TaskStream stream : this.streams) {
			int room = this.maxHeld - this.heldCount.get();
			if (room <= 0 || !this.running) {
				return;
			}
			Map<String, Long> pending = RedisStreamOps.idlePending(connection, stream.keyBytes, this.node, idle,
					room + stream.held().size());
			List<String> lost = new ArrayList<>();
			for (String id : pending.keySet()) {
				if (!stream.held().contains(id) && lost.size() < room) {
					lost.add(id);
				}
			}
			if (lost.isEmpty()) {
				continue;
			}
			for (ByteRecord record : RedisStreamOps.claim(connection, stream.keyBytes, this.node, idle, lost)) {
				String id = record.getId().getValue();
				Map<byte[], byte[]> value = record.getValue();
				long deliveries = pending.getOrDefault(id, 1L) + 1;
				if (value == null || value.isEmpty()) {
					deadLetter(stream, id, null, "deleted", deliveries);
				}
				else {
					logger.info("Node " + this.node + " recovered entry " + id + " of " + stream + " (delivery "
							+ deliveries + "): it was delivered to this node but never reached it");
					handOver(stream, id, Entries.fields(value), deliveries);
				}
			}
		}
	}

	private long leasePeriodMillis() {
		return Math.max(10, this.claimIdle.toMillis() / 3);
	}

	private void takeOver(RedisConnection connection) {
		for (TaskStream stream : this.streams) {
			String cursor = "0-0";
			do {
				int room = this.maxHeld - this.heldCount.get();
				if (room <= 0 || !this.running) {
					return;
				}
				RedisStreamOps.AutoClaimed claimed = RedisStreamOps.autoClaim(connection, stream.keyBytes, this.node,
						this.claimIdle, cursor, Math.min(this.batchSize, room));
				for (String id : claimed.deleted()) {
					deadLetter(stream, id, null, "deleted", 0);
				}
				if (claimed.nils() > 0) {
					for (String id : RedisStreamOps.deletedPending(connection, stream.keyBytes, this.node,
							this.maxHeld + this.batchSize)) {
						deadLetter(stream, id, null, "deleted", 0);
					}
				}
				List<RedisStreamOps.Claimed> entries = new ArrayList<>();
				for (RedisStreamOps.Claimed entry : claimed.claimed()) {
					if (entry.fields() == null || entry.fields().isEmpty()) {
						deadLetter(stream, entry.id(), null, "deleted", 0);
					}
					else if (!stream.held().contains(entry.id())) {
						entries.add(entry);
					}
				}
				if (!entries.isEmpty()) {
					Map<String, Long> counts = RedisStreamOps.deliveryCounts(connection, stream.keyBytes, this.node,
							entries.get(0).id(), entries.get(entries.size() - 1).id(), Math.max(entries.size(),
									this.batchSize));
					for (RedisStreamOps.Claimed entry : entries) {
						long deliveries = counts.getOrDefault(entry.id(), 2L);
						logger.info("Node " + this.node + " took over entry " + entry.id() + " of " + stream
								+ " (delivery " + deliveries + "): its consumer stopped renewing its lease");
						handOver(stream, entry.id(), entry.fields(), deliveries);
					}
				}
				cursor = claimed.cursor();
			}
			while (!"0-0".equals(cursor) && !cursor.equals("0"));
		}
	}

	/**
	 * Stops reading: returns once the reader thread has ended (within {@link #BLOCK} of a read) and the lease keeper
	 * is stopped. Entries held stay pending under this node's name until they are acknowledged or taken over.
	 */
	void stopReading() {
		this.running = false;
		LockSupport.unpark(this.reader);
		if (this.reader.isAlive()) {
			try {
				this.reader.join(BLOCK.toMillis() * 10 + 2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Stops the lease keeper too: held entries are no longer renewed. */
	void stopLeases() {
		this.leasing = false;
		this.leases.shutdownNow();
		try {
			this.leases.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		RedisConnections connections = this.leaseConnections;
		if (connections != null) {
			connections.close();
		}
	}

}
