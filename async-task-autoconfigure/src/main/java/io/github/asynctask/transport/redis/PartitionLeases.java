package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The partition lease keeper of a consuming node: a thread of its own that, every {@code claim-idle / 4}, renews this
 * node's membership ({@link RedisKeys#members}) and the leases it owns, and computes for every partition the member
 * it belongs to ({@link PartitionAssignment}). It takes a partition that is this node's and free (released, or its
 * lease ended), tells the {@link KeyedConsumer} which leases it took, lost, or should give up, and never waits on
 * anything but Redis, so a busy consumer or busy workers never let a lease run out. Only the partitions of task names
 * that had a keyed task are taken ({@link KeyedStreams#isActive}); while some names had none, it reads the set of
 * keyed names about once a second, and runs a round at once when a name becomes active.
 * <p>
 * Threading: {@link #start}, {@link #stopTaking} and {@link #stop} by the transport's lifecycle.
 */
final class PartitionLeases implements RedisLoop.Step {

	private static final Log logger = LogFactory.getLog(PartitionLeases.class);

	private final RedisConnectionFactory factory;

	private final String node;

	private final KeyedStreams keyed;

	private final Runnable wakeConsumer;

	private final byte[] membersKey;

	private final long leaseMillis;

	private final long periodNanos;

	private final RedisLoop loop;

	private volatile boolean stopping;

	private volatile boolean paused;

	private volatile List<String> members = List.of();

	private long nextNanos;

	/** A task name became active: take its partitions in a round now. */
	private final AtomicBoolean roundNow = new AtomicBoolean();

	PartitionLeases(RedisConnectionFactory factory, String node, RedisKeys keys, KeyedStreams keyed,
			Runnable wakeConsumer, Duration claimIdle) {
		this.factory = factory;
		this.node = node;
		this.keyed = keyed;
		this.wakeConsumer = wakeConsumer;
		this.membersKey = RedisKeys.bytes(keys.members());
		this.leaseMillis = claimIdle.toMillis();
		this.periodNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(10, claimIdle.toMillis() / 4));
		this.loop = new RedisLoop(factory, "async-task-redis-partitions", "Redis partition leases of node " + node,
				logger, true, this);
		keyed.onActivated(() -> {
			this.roundNow.set(true);
			this.loop.wake();
		});
	}

	void start() {
		this.nextNanos = System.nanoTime();
		this.loop.start();
	}

	/** Leaves the members and takes nothing more; the leases held are still renewed until given up. */
	void stopTaking() {
		this.stopping = true;
		this.nextNanos = System.nanoTime();
		this.loop.wake();
	}

	/** Ends the thread (after the consumer gave its partitions up): leases still held run out after claim-idle. */
	void stop() {
		this.stopping = true;
		this.loop.stop();
		this.loop.await(5000);
		try (RedisConnection connection = this.factory.getConnection()) {
			PartitionScripts.members(connection, this.membersKey, this.node, 0);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not leave the partition members (this node's membership ends after claim-idle)", ex);
		}
	}

	/** For tests: plays a stop-the-world pause (no renewal). */
	void pause(boolean paused) {
		this.paused = paused;
		this.loop.wake();
	}

	/** The members the last round saw. */
	List<String> members() {
		return this.members;
	}

	@Override
	public void run(RedisConnection connection) {
		if (!this.paused && !this.stopping) {
			this.keyed.readMarkers(connection); // activates, which asks for a round now
		}
		if (this.roundNow.getAndSet(false)) {
			this.nextNanos = System.nanoTime();
		}
		long wait = this.nextNanos - System.nanoTime();
		if (wait > 0 || this.paused) {
			// a park ends early on a wake-up; reading the keyed names again is due within a second
			long park = (wait > 0) ? Math.min(wait, KeyedStreams.MARKERS_PERIOD_NANOS)
					: TimeUnit.MILLISECONDS.toNanos(20);
			LockSupport.parkNanos(this, park);
			return;
		}
		// at a fixed rate: a late round catches up at once instead of pushing every later renewal back
		this.nextNanos = Math.max(this.nextNanos + this.periodNanos, System.nanoTime());
		round(connection);
	}

	private void round(RedisConnection connection) {
		boolean stopping = this.stopping;
		List<String> members = PartitionScripts.members(connection, this.membersKey, this.node,
				stopping ? 0 : this.leaseMillis);
		this.members = members;
		boolean changed = false;
		for (Partition partition : this.keyed.all()) {
			boolean mine = !stopping
					&& this.node.equals(PartitionAssignment.owner(members, partition.taskName, partition.index));
			long generation = partition.generation;
			if (generation == 0) {
				generation = partition.taken;
			}
			if (generation != 0) {
				if (!PartitionScripts.renew(connection, partition, this.node, generation, this.leaseMillis)
						&& (partition.generation == generation || partition.taken == generation)) {
					partition.lost = generation;
					changed = true;
				}
				if (partition.unwanted == mine) {
					partition.unwanted = !mine;
					changed = true;
				}
			}
			else if (mine && this.keyed.isActive(partition.taskName)) {
				long taken = PartitionScripts.take(connection, partition, this.node, this.leaseMillis);
				if (taken > 0) {
					partition.unwanted = false;
					partition.taken = taken;
					changed = true;
				}
			}
		}
		if (changed) {
			this.wakeConsumer.run();
		}
	}

}
