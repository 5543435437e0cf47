package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;

/**
 * The lease keeper of a consuming node, one thread that wakes every {@code claim-idle / 3}: it renews the leases of
 * the entries the node still owns (their idle time restarts; never one another node took over), recovers entries delivered to its own name that it never
 * saw, and takes over entries whose consumer stopped renewing them for {@code claim-idle} ({@code XAUTOCLAIM},
 * looping on its cursor). It never waits on anything but Redis: what it takes goes to the workers without waiting
 * for room ({@link Inbound#take}).
 * <p>
 * Threading: {@link #start}, {@link #stopTakingOver} and {@link #stop} by the transport's lifecycle.
 */
final class Leases implements RedisLoop.Step {

	private static final Log logger = LogFactory.getLog(Leases.class);

	private final String node;

	private final List<TaskStream> streams;

	private final HeldEntries held;

	private final Inbound inbound;

	private final int batchSize;

	private final Duration claimIdle;

	private final long periodNanos;

	private final RedisLoop loop;

	private volatile boolean takingOver = true;

	private long nextNanos;

	Leases(RedisConnectionFactory factory, String node, List<TaskStream> streams, HeldEntries held, Inbound inbound,
			int batchSize, Duration claimIdle) {
		this.node = node;
		this.streams = List.copyOf(streams);
		this.held = held;
		this.inbound = inbound;
		this.batchSize = batchSize;
		this.claimIdle = claimIdle;
		this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis(claimIdle));
		this.loop = new RedisLoop(factory, "async-task-redis-lease", "Redis lease keeper of node " + node, logger,
				true, this);
	}

	/** How often leases are renewed: a third of {@code claim-idle}, so two renewals may fail before a takeover. */
	static long periodMillis(Duration claimIdle) {
		return Math.max(10, claimIdle.toMillis() / 3);
	}

	void start() {
		this.nextNanos = System.nanoTime() + this.periodNanos;
		this.loop.start();
	}

	/** Stops recovering and taking over entries (the node stops reading); held leases are still renewed. */
	void stopTakingOver() {
		this.takingOver = false;
	}

	/** Stops renewing: held entries stay pending until another node takes them over. */
	void stop() {
		this.takingOver = false;
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
		// at a fixed rate: a late round catches up at once instead of pushing every later renewal back
		this.nextNanos = Math.max(this.nextNanos + this.periodNanos, System.nanoTime());
		renew(connection);
		this.inbound.offerWaiting();
		if (this.takingOver) {
			for (TaskStream stream : this.streams) {
				try {
					recoverOwn(connection, stream);
					takeOver(connection, stream);
				}
				catch (RuntimeException ex) {
					if (!RedisStreamOps.groupLost(ex)) {
						throw ex;
					}
					StreamReader.recreateGroup(connection, stream, this.node);
				}
			}
		}
	}

	/**
	 * Renews the leases of the entries held, stream by stream, each in one atomic step that leaves alone an entry
	 * another node took over meanwhile (this node then stops renewing it; its task runs on here, and the first reply
	 * to reach the origin wins).
	 */
	private void renew(RedisConnection connection) {
		for (TaskStream stream : this.streams) {
			List<String> ids = new ArrayList<>(stream.held());
			if (ids.isEmpty()) {
				continue;
			}
			List<String> lost;
			try {
				lost = RedisStreamOps.renew(connection, stream.keyBytes, this.node, ids);
			}
			catch (RuntimeException ex) {
				if (!RedisStreamOps.groupLost(ex)) {
					throw ex;
				}
				StreamReader.recreateGroup(connection, stream, this.node);
				continue;
			}
			for (String id : lost) {
				if (!stream.unfinished().contains(id)) {
					// its task finished here: most often its outcome was written and its acknowledgement (XACK, XDEL)
					// went through while this renewal was on its way; the writer releases it
					continue;
				}
				if (stream.held().remove(id)) {
					logger.warn("Entry " + id + " of " + stream + " is no longer this node's (" + this.node
							+ "): another node took it over (its lease was not renewed within "
							+ "async-task.redis.claim-idle, e.g. during a long pause), or it is gone. Its lease is no "
							+ "longer renewed here; if it runs on here, the first outcome to reach its dispatcher wins.");
				}
			}
		}
	}

	/**
	 * Entries pending under this node's name that it does not hold, idle for two lease periods: deliveries whose
	 * reply a dropped connection lost (the client may re-send a read after it reconnects, so the reader never hears
	 * of the first one). No other node renews them, so they are this node's to run now, without waiting for
	 * claim-idle.
	 */
	private void recoverOwn(RedisConnection connection, TaskStream stream) {
		Duration idle = Duration.ofNanos(2 * this.periodNanos);
		int reserved = this.takingOver ? this.held.reserve(this.batchSize, true) : 0;
		if (reserved == 0) {
			return;
		}
		try {
			Map<String, Long> pending = RedisStreamOps.idlePending(connection, stream.keyBytes, this.node, idle,
					reserved + stream.held().size());
			List<String> lost = new ArrayList<>();
			for (String id : pending.keySet()) {
				if (!stream.held().contains(id) && lost.size() < reserved) {
					lost.add(id);
				}
			}
			if (lost.isEmpty()) {
				return;
			}
			for (ByteRecord record : RedisStreamOps.claim(connection, stream.keyBytes, this.node, idle, lost)) {
				String id = record.getId().getValue();
				Map<byte[], byte[]> value = record.getValue();
				long deliveries = pending.getOrDefault(id, 1L) + 1;
				if (value == null || value.isEmpty()) {
					this.inbound.deleted(stream, id, deliveries);
				}
				else {
					logger.info("Node " + this.node + " recovered entry " + id + " of " + stream + " (delivery "
							+ deliveries + "): it was delivered to this node but never reached it");
					this.inbound.take(stream, id, Entries.fields(value), deliveries, false);
				}
			}
		}
		finally {
			this.held.unreserve(reserved);
		}
	}

	private void takeOver(RedisConnection connection, TaskStream stream) {
		String cursor = "0-0";
		do {
			int reserved = this.takingOver ? this.held.reserve(this.batchSize, true) : 0;
			if (reserved == 0) {
				return;
			}
			try {
				RedisStreamOps.AutoClaimed claimed = RedisStreamOps.autoClaim(connection, stream.keyBytes, this.node,
						this.claimIdle, cursor, reserved);
				for (String id : claimed.deleted()) {
					this.inbound.deleted(stream, id, 0);
				}
				if (claimed.nils() > 0) {
					for (String id : RedisStreamOps.deletedPending(connection, stream.keyBytes, this.node,
							this.held.max() + this.batchSize)) {
						this.inbound.deleted(stream, id, 0);
					}
				}
				List<RedisStreamOps.Claimed> entries = new ArrayList<>();
				for (RedisStreamOps.Claimed entry : claimed.claimed()) {
					if (entry.fields() == null || entry.fields().isEmpty()) {
						this.inbound.deleted(stream, entry.id(), 0);
					}
					else if (!stream.held().contains(entry.id())) {
						entries.add(entry);
					}
				}
				if (!entries.isEmpty()) {
					Map<String, Long> counts = RedisStreamOps.deliveryCounts(connection, stream.keyBytes, this.node,
							entries.get(0).id(), entries.get(entries.size() - 1).id(),
							Math.max(entries.size(), this.batchSize));
					for (RedisStreamOps.Claimed entry : entries) {
						long deliveries = counts.getOrDefault(entry.id(), 2L);
						logger.info("Node " + this.node + " took over entry " + entry.id() + " of " + stream
								+ " (delivery " + deliveries + "): its consumer stopped renewing its lease");
						this.inbound.take(stream, entry.id(), entry.fields(), deliveries, false);
					}
				}
				cursor = claimed.cursor();
			}
			finally {
				this.held.unreserve(reserved);
			}
		}
		while (!"0-0".equals(cursor) && !cursor.equals("0"));
	}

}
