package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.Task;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The keyed side of a consuming node: one thread that reads the partitions this node owns under their fenced leases
 * ({@link PartitionScripts}, kept by the {@link PartitionLeases}) and runs their keys in order ({@link Partition}).
 * <ul>
 * <li>Taking a partition over, it first moves the previous owners' pending entries to this owner, in id order, then
 * reads them, then new entries; each goes to its key's lane, whose head goes to the workers. An empty partition is
 * read less and less often (1 ms doubling to 100 ms); a read that finds entries resets that.</li>
 * <li>Giving one up (it belongs to another member now, or the node stops), it reads and starts nothing more there,
 * takes its not yet started heads back from the workers (they stay pending, in order, for the next owner), waits
 * until the started ones are acknowledged, and releases the lease.</li>
 * <li>A lease found lost (a renewal, read or acknowledgement refused) drops the partition at once: what was not
 * acknowledged is the new owner's to run; a late outcome here is written (the first to reach the dispatcher wins)
 * but never acknowledged.</li>
 * </ul>
 * Threading: {@link #start}, {@link #stopReading} and {@link #stop} by the transport's lifecycle; the fence queues
 * from the writer's and the workers' threads; the rest on its own thread.
 */
final class KeyedConsumer implements RedisLoop.Step {

	private static final Log logger = LogFactory.getLog(KeyedConsumer.class);

	/** The longest an empty partition waits between two reads. */
	private static final long MAX_READ_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private static final long MIN_READ_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final String node;

	private final KeyedStreams keyed;

	private final Inbound inbound;

	private final Inbound.Workers workers;

	private final Completion completion;

	private final int batchSize;

	private final RedisLoop loop;

	private volatile boolean stopping;

	private volatile long stopDeadline = Long.MAX_VALUE;

	private volatile boolean paused;

	/** Acknowledgements not made because the lease was lost meanwhile (refused by Redis, or not sent). */
	private volatile long refused;

	/** Entries whose run lost its lease: a late acknowledgement of theirs is not sent. */
	private final Set<String> orphaned = new HashSet<>();


	KeyedConsumer(RedisConnectionFactory factory, String node, KeyedStreams keyed, Inbound inbound,
			Inbound.Workers workers, Completion completion, int batchSize) {
		this.node = node;
		this.keyed = keyed;
		this.inbound = inbound;
		this.workers = workers;
		this.completion = completion;
		this.batchSize = batchSize;
		this.loop = new RedisLoop(factory, "async-task-redis-keyed", "Redis keyed consumer of node " + node, logger,
				true, this);
		keyed.onWake(this.loop::wake);
	}

	void start() {
		this.loop.start();
	}

	/** Stops reading and starting keyed entries; gives every partition up once its started entries are done. */
	void stopReading() {
		this.stopping = true;
		this.loop.wake();
	}

	/** Gives the partitions up (waiting at most until the deadline for started entries) and ends the thread. */
	void stop(long deadlineNanos) {
		this.stopping = true;
		this.stopDeadline = Math.max(deadlineNanos, System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
		this.loop.stop();
		this.loop.await(Math.max(1, TimeUnit.NANOSECONDS.toMillis(this.stopDeadline - System.nanoTime())) + 2000);
	}

	void wake() {
		this.loop.wake();
	}

	/** For tests: plays a stop-the-world pause of this node's keyed side (no renewal, read or acknowledgement). */
	void pause(boolean paused) {
		this.paused = paused;
		this.loop.wake();
	}

	/** How many acknowledgements were not made because their partition's lease was lost meanwhile. */
	long refusedAcknowledgements() {
		return this.refused;
	}

	/** The partitions this node owns now, as {@code <task-name>:<partition>}. */
	List<String> owned() {
		List<String> owned = new ArrayList<>();
		for (Partition partition : this.keyed.all()) {
			if (partition.generation > 0) {
				owned.add(partition.taskName + ":" + partition.index);
			}
		}
		return owned;
	}

	@Override
	public boolean goOn(boolean stopping) {
		if (!stopping) {
			return true;
		}
		for (Partition partition : this.keyed.all()) {
			if (partition.owned() || partition.hasAcks()) {
				return System.nanoTime() - this.stopDeadline < 0;
			}
		}
		return false;
	}

	@Override
	public void run(RedisConnection connection) {
		if (this.paused) {
			LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(20));
			return;
		}
		boolean busy = false;
		long wait = MAX_READ_BACKOFF_NANOS;
		for (Partition partition : this.keyed.all()) {
			busy |= follow(partition);
			busy |= acknowledge(connection, partition);
			if (partition.owned()) {
				busy |= step(connection, partition);
				if ((partition.phase == Partition.Phase.READING || partition.phase == Partition.Phase.PENDING)
						&& partition.size() < this.batchSize) {
					wait = Math.min(wait, partition.readAfter - System.nanoTime());
				}
			}
		}
		if (!busy && wait > 0) {
			// nothing to do until an empty partition is read again, the next round, or an acknowledgement (wakes)
			LockSupport.parkNanos(this, wait);
		}
	}

	/** Follows what the lease keeper found: a lease taken, lost, or belonging to another member now. */
	private boolean follow(Partition partition) {
		long lost = partition.lost;
		if (lost != 0) {
			partition.lost = 0;
			if (lost == partition.generation) {
				lost(partition, "its lease was not renewed within async-task.redis.claim-idle (e.g. during a long "
						+ "pause) and another node took it");
				return true;
			}
		}
		long taken = partition.taken;
		if (taken != 0 && partition.generation == 0) {
			partition.consumer = taken + "-" + this.node;
			partition.phase = Partition.Phase.CLAIMING;
			partition.cursor = "0-0";
			partition.generation = taken;
			partition.taken = 0;
			if (logger.isDebugEnabled()) {
				logger.debug("Node " + this.node + " owns " + partition + " (generation " + taken + ")");
			}
			return true;
		}
		if (partition.owned() && partition.phase != Partition.Phase.RELEASING
				&& (this.stopping || partition.unwanted)) {
			giveUp(partition);
			return true;
		}
		return false;
	}

	private boolean step(RedisConnection connection, Partition partition) {
		try {
			return switch (partition.phase) {
				case CLAIMING -> claim(connection, partition);
				case PENDING, READING -> read(connection, partition);
				case RELEASING -> release(connection, partition);
				case FREE -> false;
			};
		}
		catch (RuntimeException ex) {
			if (PartitionScripts.lapsed(ex)) {
				partition.readAfter = System.nanoTime() + MAX_READ_BACKOFF_NANOS; // until the lease keeper renews it
				return false;
			}
			if (PartitionScripts.fenced(ex)) {
				lost(partition, "Redis refused a read under its lease (" + RedisLoop.describe(ex) + ")");
				return true;
			}
			if (RedisStreamOps.groupLost(ex)) {
				StreamReader.recreateGroup(connection, partition.stream, this.node);
				return true;
			}
			if (partition.phase == Partition.Phase.READING) {
				// a read whose reply was lost may have delivered entries: read this owner's pending ones again
				partition.phase = Partition.Phase.PENDING;
				partition.cursor = "0-0";
			}
			throw ex;
		}
	}

	private boolean claim(RedisConnection connection, Partition partition) {
		String next = PartitionScripts.claim(connection, partition, this.node, partition.generation,
				partition.consumer, partition.cursor, Math.max(100, this.batchSize));
		if ("0-0".equals(next) || "0".equals(next)) {
			partition.phase = Partition.Phase.PENDING;
			partition.cursor = "0-0";
		}
		else {
			partition.cursor = next;
		}
		return true;
	}

	private boolean read(RedisConnection connection, Partition partition) {
		for (Partition.Held held : partition.takeWaiting()) {
			offer(partition, held);
		}
		if (this.stopping) {
			return false;
		}
		int room = this.batchSize - partition.size();
		if (room <= 0) {
			return false;
		}
		boolean pending = partition.phase == Partition.Phase.PENDING;
		if (System.nanoTime() - partition.readAfter < 0) {
			return false;
		}
		List<PartitionScripts.Read> reads = PartitionScripts.read(connection, partition, this.node,
				partition.generation, partition.consumer, room, pending ? partition.cursor : ">");
		if (reads.isEmpty()) {
			if (pending) {
				partition.phase = Partition.Phase.READING;
				return true;
			}
			partition.readBackoff = Math.min(MAX_READ_BACKOFF_NANOS,
					Math.max(MIN_READ_BACKOFF_NANOS, partition.readBackoff * 2));
			partition.readAfter = System.nanoTime() + partition.readBackoff;
			return false;
		}
		partition.readBackoff = 0;
		Map<String, Long> counts = Map.of();
		if (pending) {
			partition.cursor = reads.get(reads.size() - 1).id();
			counts = RedisStreamOps.deliveryCounts(connection, partition.stream.keyBytes, partition.consumer,
					reads.get(0).id(), partition.cursor, reads.size());
		}
		List<String> deleted = new ArrayList<>();
		for (PartitionScripts.Read read : reads) {
			if (read.deleted()) {
				deleted.add(read.id()); // deleted while pending: nothing to run, nothing to keep
				continue;
			}
			Partition.Held head = partition.add(read, pending ? counts.getOrDefault(read.id(), 2L) : 1);
			if (head != null) {
				start(partition, head);
			}
		}
		if (!deleted.isEmpty()) {
			PartitionScripts.acknowledge(connection, partition, this.node, partition.generation, deleted);
		}
		return true;
	}

	/** Hands a lane's head to the workers (or dead-letters it). */
	private void start(Partition partition, Partition.Held held) {
		held.started = true;
		Task task = this.inbound.task(partition.stream, held.read.id(), held.read.fields(), held.deliveries);
		held.task = task;
		if (task != null) {
			offer(partition, held);
		}
		// else: dead-lettered; the dead letter's acknowledgement moves the lane on
	}

	private void offer(Partition partition, Partition.Held held) {
		Task task = held.task;
		if (task == null || task.isDecided()) {
			return;
		}
		boolean taken;
		try {
			taken = this.workers.offer(task, false);
		}
		catch (TaskRejectedException ex) {
			taken = false;
		}
		if (!taken) {
			partition.waitForRoom(held);
		}
	}

	/**
	 * Acknowledges, under the lease, the entries whose outcome is written, and moves their lanes on; takes note of
	 * heads taken back from the workers.
	 */
	private boolean acknowledge(RedisConnection connection, Partition partition) {
		boolean busy = false;
		String id;
		while ((id = partition.pollLeft()) != null) {
			busy = true;
			Partition.Held held = partition.head(id);
			Task task = (held != null) ? held.task : null;
			// the head's own task, left pending (not a late word about an earlier run of the entry)
			if (held != null && (task == null || task.isDecided())) {
				held.started = false;
				held.task = null;
				boolean unstarted = task == null || (task.status() == TaskStatus.CANCELLED && task.startNanos() == 0);
				if (unstarted && !this.stopping && (partition.phase == Partition.Phase.PENDING
						|| partition.phase == Partition.Phase.READING)) {
					start(partition, held); // taken back while the partition is still this node's: run it here
				}
			}
		}
		List<Partition.Ack> acks = partition.takeAcks();
		if (acks.isEmpty()) {
			return busy;
		}
		List<String> ids = new ArrayList<>(acks.size());
		for (Partition.Ack ack : acks) {
			if (!this.orphaned.remove(ack.id()) && partition.owned()) {
				ids.add(ack.id());
			}
			else {
				this.refused++;
			}
		}
		boolean fenced = false;
		if (!ids.isEmpty()) {
			try {
				PartitionScripts.acknowledge(connection, partition, this.node, partition.generation, ids);
			}
			catch (RuntimeException ex) {
				if (!PartitionScripts.fenced(ex)) {
					partition.putBack(acks);
					throw ex;
				}
				fenced = true;
				this.refused += ids.size();
				logger.warn("Node " + this.node + " could not acknowledge " + ids.size() + " entries of " + partition
						+ ": its lease is no longer this node's (" + RedisLoop.describe(ex) + "); the partition's "
						+ "new owner runs them again");
			}
		}
		for (Partition.Ack ack : acks) {
			try {
				ack.done().run();
			}
			catch (Throwable ex) {
				logger.error("Handling an acknowledgement failed", ex);
			}
			if (!fenced && partition.owned()) {
				Partition.Held next = partition.done(ack.id());
				if (next != null && !this.stopping && partition.phase != Partition.Phase.RELEASING) {
					start(partition, next);
				}
			}
		}
		if (fenced) {
			lost(partition, "Redis refused an acknowledgement under its lease");
		}
		return true;
	}

	/** Starts giving a partition up: nothing more is read or started there; unstarted heads are taken back. */
	private void giveUp(Partition partition) {
		partition.phase = Partition.Phase.RELEASING;
		takeBackUnstarted(partition);
		this.loop.wake();
	}

	private boolean release(RedisConnection connection, Partition partition) {
		if (partition.headsInFlight() || partition.hasAcks()) {
			return false;
		}
		PartitionScripts.release(connection, partition, this.node, partition.generation);
		if (logger.isDebugEnabled()) {
			logger.debug("Node " + this.node + " released " + partition + " (generation " + partition.generation + ")");
		}
		partition.clear();
		return true;
	}

	private void lost(Partition partition, String why) {
		logger.warn("Node " + this.node + " lost the lease of " + partition + " (generation " + partition.generation
				+ "): " + why + ". It reads and acknowledges nothing more there; the new owner runs what was not "
				+ "acknowledged.");
		takeBackUnstarted(partition);
		partition.startedIds(this.orphaned);
		partition.clear();
	}

	private void takeBackUnstarted(Partition partition) {
		for (Task task : partition.unstartedTasks()) {
			this.completion.cancel(task, "was taken back from this node's workers: its key's partition "
					+ partition + " moves to another node", true);
		}
		for (Partition.Held held : partition.takeWaiting()) {
			if (held.task != null) {
				this.completion.cancel(held.task, "was taken back: its key's partition moves to another node", true);
			}
		}
	}

}
