package io.github.asynctask.transport.redis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.github.asynctask.execution.Task;
import org.jspecify.annotations.Nullable;

/**
 * One partition of a task name's keyed entries, as this node sees it: its stream and lease keys, and while this node
 * owns it, its generation and its key lanes. A lane holds the entries of one key read from the partition, in stream
 * order; only its head is handed to the workers, and the next entry of the key starts only once the head's outcome
 * is written and its entry acknowledged under the lease (or the head was dead-lettered). So a key's tasks run one at
 * a time, in dispatch order, through retries (a retrying head is not decided) and node deaths (what is not
 * acknowledged stays pending, in order, for the next owner). Keys of one partition run concurrently.
 * <p>
 * Threading: the lanes and the owner state belong to the {@link KeyedConsumer}'s thread; {@link #acknowledge} and
 * {@link #leftPending} (the fence) are called by the writer's and the workers' threads and only queue.
 */
final class Partition implements TaskStream.Fence {

	/** Where the owner is in reading its partition. */
	enum Phase {

		/** Not owned here. */
		FREE,
		/** Owned: moving the previous owners' pending entries to this owner. */
		CLAIMING,
		/** Owned: reading this owner's pending entries (after a takeover or a failed read). */
		PENDING,
		/** Owned: reading new entries. */
		READING,
		/** Owned, being given up: nothing new is read or started; the lease goes once the started heads are done. */
		RELEASING

	}

	final TaskStream stream;

	final byte[] leaseKey;

	final String taskName;

	final int index;

	private final Runnable wake;

	// between the lease keeper and the consumer

	/** The generation this node owns and reads under, 0 if none; set by the consumer. */
	volatile long generation;

	/** A generation the lease keeper took and the consumer has not adopted yet, else 0. */
	volatile long taken;

	/** A generation whose lease the lease keeper found lost, else 0. */
	volatile long lost;

	/** Whether the partition belongs to another member now (the consumer gives it up). */
	volatile boolean unwanted;

	// owner state (the consumer's thread)

	String consumer = "";

	Phase phase = Phase.FREE;

	/** Where the re-read of pending entries goes on, or the takeover's cursor. */
	String cursor = "0-0";

	/** When to read new entries next ({@link System#nanoTime()}): an empty partition is polled less and less often. */
	long readAfter;

	/** How long the last empty read put the next one off. */
	long readBackoff;

	private final Map<String, ArrayDeque<Held>> lanes = new HashMap<>();

	/** The heads handed to the workers (or dead-lettered), by entry id. */
	private final Map<String, Held> heads = new HashMap<>();

	/** Heads the workers had no room for yet. */
	private final ArrayDeque<Held> waiting = new ArrayDeque<>();

	private final Set<String> known = new HashSet<>();

	// the fence (any thread)

	private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<String> left = new ConcurrentLinkedQueue<>();

	Partition(TaskStream base, RedisKeys keys, int index, Runnable wake) {
		this.stream = new TaskStream(base, keys, index, this);
		this.leaseKey = RedisKeys.bytes(keys.lease(base.taskName, index));
		this.taskName = base.taskName;
		this.index = index;
		this.wake = wake;
	}

	/** An entry of a lane: what was read, and how often Redis delivered it. */
	static final class Held {

		final PartitionScripts.Read read;

		final String key;

		final long deliveries;

		/** Its task once handed to the workers; {@code null} before, or if it was dead-lettered instead. */
		@Nullable Task task;

		/** Handed to the workers (or dead-lettered), its acknowledgement not yet made. */
		boolean started;

		Held(PartitionScripts.Read read, long deliveries) {
			this.read = read;
			String key = read.key();
			this.key = (key != null) ? key : "";
			this.deliveries = deliveries;
		}

	}

	record Ack(String id, Runnable done) {
	}

	// the fence

	@Override
	public void acknowledge(String id, Runnable done) {
		this.acks.add(new Ack(id, done));
		this.wake.run();
	}

	@Override
	public void leftPending(String id) {
		this.left.add(id);
		this.wake.run();
	}

	List<Ack> takeAcks() {
		List<Ack> taken = new ArrayList<>();
		Ack ack;
		while ((ack = this.acks.poll()) != null) {
			taken.add(ack);
		}
		return taken;
	}

	void putBack(List<Ack> acks) {
		this.acks.addAll(acks);
	}

	boolean hasAcks() {
		return !this.acks.isEmpty() || !this.left.isEmpty();
	}

	@Nullable String pollLeft() {
		return this.left.poll();
	}

	// the lanes (the consumer's thread)

	boolean owned() {
		return this.phase != Phase.FREE;
	}

	/** Entries held here: read and not acknowledged. */
	int size() {
		return this.known.size();
	}

	boolean knows(String id) {
		return this.known.contains(id);
	}

	/**
	 * Adds an entry to its key's lane.
	 * @return the entry if it is its lane's head now (to be started), else {@code null}
	 */
	@Nullable Held add(PartitionScripts.Read read, long deliveries) {
		if (!this.known.add(read.id())) {
			return null;
		}
		Held held = new Held(read, deliveries);
		ArrayDeque<Held> lane = this.lanes.computeIfAbsent(held.key, (key) -> new ArrayDeque<>());
		lane.addLast(held);
		if (lane.size() == 1) {
			this.heads.put(read.id(), held);
			return held;
		}
		return null;
	}

	/**
	 * A head's entry is done here (acknowledged, or its lease lost): its lane moves on.
	 * @return the key's next entry, to be started, or {@code null}
	 */
	@Nullable Held done(String id) {
		Held held = this.heads.remove(id);
		this.known.remove(id);
		if (held == null) {
			return null;
		}
		ArrayDeque<Held> lane = this.lanes.get(held.key);
		if (lane == null) {
			return null;
		}
		lane.remove(held);
		Held next = lane.peekFirst();
		if (next == null) {
			this.lanes.remove(held.key);
			return null;
		}
		this.heads.put(next.read.id(), next);
		return next;
	}

	/** The head of an entry, if it is one. */
	@Nullable Held head(String id) {
		return this.heads.get(id);
	}

	void waitForRoom(Held held) {
		this.waiting.addLast(held);
	}

	/** The heads that found no room, taken out to be offered again. */
	List<Held> takeWaiting() {
		List<Held> taken = new ArrayList<>(this.waiting);
		this.waiting.clear();
		return taken;
	}

	/** Heads handed to the workers that have not started yet. */
	List<Task> unstartedTasks() {
		List<Task> tasks = new ArrayList<>();
		for (Held held : this.heads.values()) {
			if (held.task != null && held.task.startNanos() == 0 && !held.task.isDecided()) {
				tasks.add(held.task);
			}
		}
		return tasks;
	}

	/** Whether a head is still with the workers or its outcome not yet acknowledged. */
	boolean headsInFlight() {
		for (Held held : this.heads.values()) {
			if (held.started) {
				return true;
			}
		}
		return false;
	}

	/** Adds the ids of the heads that are with the workers or wait for their acknowledgement. */
	void startedIds(Set<String> into) {
		for (Held held : this.heads.values()) {
			if (held.started) {
				into.add(held.read.id());
			}
		}
	}

	/** Forgets every entry (the lease is gone or given up): what was not acknowledged stays pending in Redis. */
	void clear() {
		this.lanes.clear();
		this.heads.clear();
		this.waiting.clear();
		this.known.clear();
		this.generation = 0;
		this.consumer = "";
		this.phase = Phase.FREE;
		this.cursor = "0-0";
		this.readAfter = 0;
		this.readBackoff = 0;
	}

	@Override
	public String toString() {
		return this.stream.key;
	}

}
