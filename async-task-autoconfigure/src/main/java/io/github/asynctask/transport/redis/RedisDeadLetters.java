package io.github.asynctask.transport.redis;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.RecordId;

/**
 * The dead letters of the task names, in {@code <prefix>:dead:<task-name>}: listed, put back on their task stream
 * ("redriven") or dropped. A dead letter is the task entry's fields as they were, plus {@value #REASON},
 * {@value #ENTRY_ID} (the task entry's id), {@value #DELIVERIES} and {@value #NODE} (the node that dead-lettered it).
 * A redrive writes the task entry's fields back to the task stream as a new entry, without those four and without
 * the deliveries-before field ({@code d}), so it starts with a fresh delivery count; then it deletes the dead letter.
 * The two steps touch two keys and are not one transaction: a crash between them leaves the task both redriven and
 * still listed (it may then run twice, as at-least-once delivery allows), never lost. A dead letter without a
 * payload (its entry was deleted while pending) cannot be redriven and stays.
 * <p>
 * Threading: stateless; each call opens a connection of its own and may be made from any thread.
 */
public final class RedisDeadLetters {

	static final String REASON = "reason";

	static final String ENTRY_ID = "id";

	static final String DELIVERIES = "deliveries";

	static final String NODE = "node";

	/** Fields of a dead letter that are not the task entry's. */
	private static final Set<String> DEAD_LETTER_FIELDS = Set.of(REASON, ENTRY_ID, DELIVERIES, NODE,
			Entries.DELIVERED_BEFORE);

	private static final Pattern ID = Pattern.compile("\\d{1,20}-\\d{1,20}");

	/** Characters of a payload shown in a listing. */
	public static final int PAYLOAD_CHARS = 200;

	private static final int BATCH = 100;

	private final RedisConnectionFactory factory;

	private final RedisKeys keys;

	/**
	 * @param factory the application's connection factory
	 * @param keys the key layout
	 */
	public RedisDeadLetters(RedisConnectionFactory factory, RedisKeys keys) {
		this.factory = factory;
		this.keys = keys;
	}

	/**
	 * The oldest dead letters of a task name.
	 * @param taskName the task name
	 * @param limit how many at most
	 * @return them, oldest first
	 */
	public List<DeadLetter> list(String taskName, int limit) {
		try (RedisConnection connection = this.factory.getConnection()) {
			List<ByteRecord> records = connection.streamCommands()
				.xRange(dead(taskName), Range.unbounded(), Limit.limit().count(limit));
			return (records != null) ? records.stream().map(RedisDeadLetters::describe).toList() : List.of();
		}
	}

	/**
	 * Puts dead letters back on their task stream with a fresh delivery count.
	 * @param taskName the task name
	 * @param ids the dead letters' ids, or {@code null} for every one there now
	 * @return how many were put back (ids not found, and dead letters without a payload, are not)
	 * @throws IllegalArgumentException if an id is no stream entry id
	 */
	public long redrive(String taskName, @Nullable Collection<String> ids) {
		byte[] dead = dead(taskName);
		byte[] task = RedisKeys.bytes(this.keys.task(taskName));
		long redriven = 0;
		try (RedisConnection connection = this.factory.getConnection()) {
			for (List<ByteRecord> batch : batches(connection, dead, ids)) {
				for (ByteRecord record : batch) {
					Map<byte[], byte[]> entry = new LinkedHashMap<>();
					record.getValue().forEach((name, value) -> {
						if (!DEAD_LETTER_FIELDS.contains(RedisKeys.text(name))) {
							entry.put(name, value);
						}
					});
					if (entry.keySet().stream().noneMatch((name) -> Entries.PAYLOAD.equals(RedisKeys.text(name)))) {
						continue; // no payload: nothing to run
					}
					connection.streamCommands().xAdd(RedisStreamOps.record(target(connection, taskName, task, entry), entry),
							XAddOptions.none());
					connection.streamCommands().xDel(dead, record.getId());
					redriven++;
				}
			}
		}
		return redriven;
	}

	/**
	 * Where a dead letter goes back to: a keyed task's to its key's partition stream (behind the tasks of its key
	 * there), any other to its task name's stream.
	 */
	private byte[] target(RedisConnection connection, String taskName, byte[] task, Map<byte[], byte[]> entry) {
		for (Map.Entry<byte[], byte[]> field : entry.entrySet()) {
			if (Entries.KEY.equals(RedisKeys.text(field.getKey()))) {
				byte[] count = connection.stringCommands().get(RedisKeys.bytes(this.keys.partitions(taskName)));
				if (count != null) {
					int partition = KeyedStreams.partitionOf(RedisKeys.text(field.getValue()),
							Integer.parseInt(RedisKeys.text(count)));
					return RedisKeys.bytes(this.keys.partition(taskName, partition));
				}
			}
		}
		return task;
	}

	/**
	 * Drops dead letters.
	 * @param taskName the task name
	 * @param ids the dead letters' ids, or {@code null} for every one
	 * @return how many were dropped
	 * @throws IllegalArgumentException if an id is no stream entry id
	 */
	public long delete(String taskName, @Nullable Collection<String> ids) {
		byte[] dead = dead(taskName);
		try (RedisConnection connection = this.factory.getConnection()) {
			if (ids == null) {
				Long length = connection.streamCommands().xLen(dead);
				connection.keyCommands().del(dead);
				return (length != null) ? length : 0;
			}
			RecordId[] recordIds = checked(ids).stream().map(RecordId::of).toArray(RecordId[]::new);
			if (recordIds.length == 0) {
				return 0;
			}
			Long deleted = connection.streamCommands().xDel(dead, recordIds);
			return (deleted != null) ? deleted : 0;
		}
	}

	/** The dead letters to act on: the given ones, or every one up to the newest there now, in batches. */
	private List<List<ByteRecord>> batches(RedisConnection connection, byte[] dead, @Nullable Collection<String> ids) {
		List<List<ByteRecord>> batches = new ArrayList<>();
		if (ids != null) {
			List<ByteRecord> records = new ArrayList<>();
			for (String id : checked(ids)) {
				List<ByteRecord> found = connection.streamCommands()
					.xRange(dead, Range.closed(id, id), Limit.limit().count(1));
				if (found != null) {
					records.addAll(found);
				}
			}
			batches.add(records);
			return batches;
		}
		List<ByteRecord> newest = connection.streamCommands()
			.xRevRange(dead, Range.unbounded(), Limit.limit().count(1));
		if (newest == null || newest.isEmpty()) {
			return batches;
		}
		String last = newest.get(0).getId().getValue();
		String from = "-";
		while (true) {
			Range<String> range = "-".equals(from) ? Range.of(Range.Bound.unbounded(), Range.Bound.inclusive(last))
					: Range.leftOpen(from, last);
			List<ByteRecord> batch = connection.streamCommands().xRange(dead, range, Limit.limit().count(BATCH));
			if (batch == null || batch.isEmpty()) {
				return batches;
			}
			batches.add(batch);
			from = batch.get(batch.size() - 1).getId().getValue();
			if (from.equals(last)) {
				return batches;
			}
		}
	}

	private static List<String> checked(Collection<String> ids) {
		for (String id : ids) {
			if (id == null || !ID.matcher(id).matches()) {
				throw new IllegalArgumentException("'" + id + "' is no dead letter id: ids look like "
						+ "'1712345678901-0', as the listing gives them");
			}
		}
		return List.copyOf(new java.util.LinkedHashSet<>(ids));
	}

	private byte[] dead(String taskName) {
		return RedisKeys.bytes(this.keys.dead(taskName));
	}

	private static DeadLetter describe(ByteRecord record) {
		Map<String, byte[]> fields = Entries.fields(record.getValue());
		String entryId = Entries.text(fields, ENTRY_ID);
		String payload = Entries.text(fields, Entries.PAYLOAD);
		long deliveries = 0;
		try {
			deliveries = Entries.number(fields, DELIVERIES, 0);
		}
		catch (IllegalArgumentException ex) {
			// shown as 0
		}
		return new DeadLetter(record.getId().getValue(), entryId, String.valueOf(Entries.text(fields, REASON)),
				deliveries, dispatchedAt((entryId != null) ? entryId : record.getId().getValue()),
				Entries.text(fields, NODE), (payload != null && payload.length() > PAYLOAD_CHARS)
						? payload.substring(0, PAYLOAD_CHARS) : payload,
				(payload != null) ? payload.getBytes(StandardCharsets.UTF_8).length : 0);
	}

	/** An entry id's time part (the Redis server's clock when it was written), as ISO-8601. */
	private static @Nullable String dispatchedAt(String entryId) {
		int dash = entryId.indexOf('-');
		try {
			return Instant.ofEpochMilli(Long.parseLong((dash > 0) ? entryId.substring(0, dash) : entryId)).toString();
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * One dead letter.
	 * @param id its id in the dead-letter stream (what redrive and delete take)
	 * @param entryId the id the task entry had in its task stream
	 * @param reason why it was dead-lettered
	 * @param deliveries how often it had been delivered
	 * @param dispatchedAt when its task entry was written (ISO-8601)
	 * @param node the node that dead-lettered it
	 * @param payload its payload JSON, cut to {@value #PAYLOAD_CHARS} characters; {@code null} when it has none
	 * @param payloadBytes the whole payload's size in bytes
	 */
	public record DeadLetter(String id, @Nullable String entryId, String reason, long deliveries,
			@Nullable String dispatchedAt, @Nullable String node, @Nullable String payload, int payloadBytes) {
	}

}
