package io.github.asynctask.transport.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import io.github.asynctask.execution.Task;
import io.github.asynctask.handler.TaskHandler;

import org.springframework.data.redis.connection.RedisConnection;

/**
 * The partition streams of keyed tasks ({@code withKey}), made once at start: {@code redis.partitions} per task name.
 * A key's partition is {@code CRC32(UTF-8 bytes of String.valueOf(key)) mod partitions}: the same on every node and
 * in every JVM, whatever the key's {@code hashCode}. So in redis mode two keys are the same key when their
 * {@code String.valueOf} texts are equal.
 * <p>
 * A task name's partitions are <em>active</em> (leased, read, their delayed sets watched) only once it had a keyed
 * task: the first keyed dispatch of a name on a node adds the name to the set {@link RedisKeys#keyed()} (before or
 * with its entry, and again until Redis took it), and every node reads that set about once a second while some of
 * its names are not active yet. A name stays active for the life of the node.
 * <p>
 * Threading: the partitions are made at construction; the active names are read and added from any thread; the
 * hooks are set once before the transport's threads start.
 */
final class KeyedStreams {

	private final int partitions;

	private final RedisKeys keys;

	/** By handler index, then partition. */
	private final Partition[][] byIndex;

	private final List<Partition> all;

	private volatile Runnable wake = () -> {
	};

	/** How often the set of keyed task names is read while some names are not active. */
	static final long MARKERS_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final byte[] markersKey;

	private final Set<String> names = ConcurrentHashMap.newKeySet();

	private final Set<String> active = ConcurrentHashMap.newKeySet();

	/** Names whose marker this node is writing (or wrote): written once per node, until it is active. */
	private final Set<String> marking = ConcurrentHashMap.newKeySet();

	private final Set<TaskStream> partitionStreams = ConcurrentHashMap.newKeySet();

	private volatile long nextMarkersNanos = System.nanoTime();

	private volatile Runnable activated = () -> {
	};

	KeyedStreams(TaskStreams streams, RedisKeys keys, int partitions) {
		this.partitions = partitions;
		this.keys = keys;
		this.markersKey = RedisKeys.bytes(keys.keyed());
		int size = 0;
		for (TaskStream stream : streams.all()) {
			size = Math.max(size, stream.handler.index() + 1);
		}
		this.byIndex = new Partition[size][];
		List<Partition> all = new ArrayList<>();
		for (TaskStream stream : streams.all()) {
			Partition[] ofName = new Partition[partitions];
			for (int p = 0; p < partitions; p++) {
				ofName[p] = new Partition(stream, keys, p, () -> this.wake.run());
				all.add(ofName[p]);
				this.partitionStreams.add(ofName[p].stream);
			}
			this.names.add(stream.taskName);
			this.byIndex[stream.handler.index()] = ofName;
		}
		this.all = Collections.unmodifiableList(all);
	}

	/** The text a key travels as, and is compared by, across nodes. */
	static String keyText(Object key) {
		return String.valueOf(key);
	}

	/** The partition of a key's text, of {@code partitions}. */
	static int partitionOf(String keyText, int partitions) {
		CRC32 crc = new CRC32();
		crc.update(keyText.getBytes(StandardCharsets.UTF_8));
		return (int) (crc.getValue() % partitions);
	}

	/** The partition stream a keyed task of {@code handler} goes to. */
	TaskStream streamOf(TaskHandler handler, String keyText) {
		Partition[] ofName = (handler.index() < this.byIndex.length) ? this.byIndex[handler.index()] : null;
		if (ofName == null) {
			throw new IllegalStateException("Task handler '" + handler.name() + "' is not known to the Redis transport "
					+ "(was the server started?)");
		}
		return ofName[partitionOf(keyText, this.partitions)].stream;
	}

	/** The stream a task's entry goes to: its task name's, or for a keyed task its key's partition stream. */
	TaskStream streamOf(Task task, TaskStreams streams) {
		Object key = task.routing().key();
		return (key != null) ? streamOf(task.handler(), keyText(key)) : streams.of(task.handler());
	}

	/** Every partition of every task name. */
	List<Partition> all() {
		return this.all;
	}

	int partitions() {
		return this.partitions;
	}

	void onWake(Runnable wake) {
		this.wake = wake;
	}

	/** Runs when a task name becomes active on this node. */
	void onActivated(Runnable activated) {
		this.activated = activated;
	}

	/** Whether the task name had a keyed task, as far as this node knows. */
	boolean isActive(String taskName) {
		return this.active.contains(taskName);
	}

	/** Whether a stream is a partition stream of a task name that had no keyed task (its delayed set is empty). */
	boolean isIdle(TaskStream stream) {
		return this.partitionStreams.contains(stream) && !this.active.contains(stream.taskName);
	}

	/**
	 * Whether the caller, about to write a keyed task of this name, should write the name's marker first: true once
	 * per name and node, until the name is active.
	 */
	boolean shouldMark(String taskName) {
		return !this.active.contains(taskName) && this.marking.add(taskName);
	}

	/** The marker was not written (the writer stopped first): the next keyed task of the name writes it. */
	void markFailed(String taskName) {
		this.marking.remove(taskName);
	}

	/** The set of keyed task names ({@link RedisKeys#keyed()}). */
	byte[] markersKey() {
		return this.markersKey;
	}

	/** Makes a task name active here (its marker is in Redis); true if it was not. */
	boolean activate(String taskName) {
		if (this.names.contains(taskName) && this.active.add(taskName)) {
			this.activated.run();
			return true;
		}
		return false;
	}

	/**
	 * Reads the set of keyed task names, at most once per {@link #MARKERS_PERIOD_NANOS} (whichever thread asks first)
	 * and only while some of this node's names are not active, and activates those it names.
	 * @return whether a name became active
	 */
	boolean readMarkers(RedisConnection connection) {
		long now = System.nanoTime();
		long next = this.nextMarkersNanos;
		if (this.active.size() >= this.names.size() || now - next < 0) {
			return false;
		}
		this.nextMarkersNanos = now + MARKERS_PERIOD_NANOS;
		Set<byte[]> members = connection.setCommands().sMembers(this.markersKey);
		boolean changed = false;
		if (members != null) {
			for (byte[] member : members) {
				changed |= activate(RedisKeys.text(member));
			}
		}
		return changed;
	}

	/**
	 * Records the partition count of each task name at its first use, or checks it against the one recorded.
	 * @throws IllegalStateException naming both counts and the fix if they differ
	 */
	void recordCounts(RedisConnection connection, List<String> taskNames) {
		byte[] count = RedisKeys.bytes(Integer.toString(this.partitions));
		for (String taskName : taskNames) {
			byte[] key = RedisKeys.bytes(this.keys.partitions(taskName));
			connection.stringCommands().setNX(key, count);
			byte[] recorded = connection.stringCommands().get(key);
			String text = (recorded != null) ? RedisKeys.text(recorded) : null;
			if (text != null && !text.equals(Integer.toString(this.partitions))) {
				throw new PartitionCountMismatchException(taskName, this.partitions, text,
						this.keys.partitions(taskName));
			}
		}
	}

}
