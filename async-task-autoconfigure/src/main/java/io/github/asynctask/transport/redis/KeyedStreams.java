package io.github.asynctask.transport.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 * Threading: immutable after construction, except the wake-up hook, set once before the consumer starts.
 */
final class KeyedStreams {

	private final int partitions;

	private final RedisKeys keys;

	/** By handler index, then partition. */
	private final Partition[][] byIndex;

	private final List<Partition> all;

	private volatile Runnable wake = () -> {
	};

	KeyedStreams(TaskStreams streams, RedisKeys keys, int partitions) {
		this.partitions = partitions;
		this.keys = keys;
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
			}
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
