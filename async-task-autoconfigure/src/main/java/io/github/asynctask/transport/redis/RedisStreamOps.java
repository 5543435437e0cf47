package io.github.asynctask.transport.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.connection.RedisStreamCommands.XClaimOptions;
import org.springframework.data.redis.connection.RedisStreamCommands.XPendingOptions;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.PendingMessage;
import org.springframework.data.redis.connection.stream.PendingMessages;
import org.springframework.data.redis.connection.stream.PendingMessagesSummary;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamInfo.XInfoConsumer;
import org.springframework.data.redis.connection.stream.StreamInfo.XInfoGroup;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.util.ClassUtils;

/**
 * The Redis commands of the transport, on a connection the caller holds. Each touches one key. Commands Spring Data
 * Redis has no method for ({@code XAUTOCLAIM}) go through the connection's raw {@code execute}.
 * <p>
 * Threading: stateless; a connection is used by one thread at a time.
 */
final class RedisStreamOps {

	static final boolean LETTUCE = ClassUtils.isPresent(
			"org.springframework.data.redis.connection.lettuce.LettuceConnection", RedisStreamOps.class.getClassLoader())
			&& ClassUtils.isPresent("io.lettuce.core.output.NestedMultiOutput", RedisStreamOps.class.getClassLoader());

	/** Replies kept per reply stream: older ones are trimmed (an origin that is gone blocks no one). */
	static final long REPLY_MAXLEN = 100_000;

	/** Entries kept per dead-letter stream. */
	static final long DEAD_MAXLEN = 100_000;

	/**
	 * Deletes an entry only if the group has not delivered it yet (its id is past the group's last-delivered id), in
	 * one step on one key.
	 */
	private static final byte[] CANCEL_UNREAD = RedisKeys.bytes("""
			local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
			local last = nil
			for _, g in ipairs(groups) do
			  local name, lastId = nil, nil
			  for i = 1, #g, 2 do
			    if g[i] == 'name' then name = g[i + 1] end
			    if g[i] == 'last-delivered-id' then lastId = g[i + 1] end
			  end
			  if name == ARGV[1] then last = lastId end
			end
			if last ~= nil then
			  local lms, lseq = string.match(last, '(%d+)-(%d+)')
			  local ims, iseq = string.match(ARGV[2], '(%d+)-(%d+)')
			  lms, lseq, ims, iseq = tonumber(lms), tonumber(lseq), tonumber(ims), tonumber(iseq)
			  if ims < lms or (ims == lms and iseq <= lseq) then return 0 end
			end
			return redis.call('XDEL', KEYS[1], ARGV[2])
			""");

	/**
	 * Renews the leases of entries only where this consumer still owns them: for each id, {@code XPENDING} tells the
	 * owner, and only an entry of this consumer is claimed again ({@code XCLAIM ... 0 JUSTID}: its idle time restarts,
	 * its delivery count stays). One key, one atomic step; returns the ids it no longer owns.
	 */
	private static final byte[] RENEW_OWNED = RedisKeys.bytes("""
			local lost = {}
			for i = 3, #ARGV do
			  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
			  if p[1] ~= nil and p[1][2] == ARGV[2] then
			    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
			  else
			    lost[#lost + 1] = ARGV[i]
			  end
			end
			return lost
			""");

	private RedisStreamOps() {
	}

	/**
	 * Creates the consumer group of a stream (and the stream), reading from its start, so that entries written
	 * before the group existed are delivered too.
	 * @return {@code true} if it was created, {@code false} if it existed
	 */
	static boolean createGroup(RedisConnection connection, byte[] key) {
		try {
			connection.streamCommands().xGroupCreate(key, RedisKeys.GROUP, ReadOffset.from("0"), true);
			return true;
		}
		catch (RuntimeException ex) {
			if (messageContains(ex, "BUSYGROUP")) {
				return false;
			}
			throw ex;
		}
	}

	/**
	 * Whether Redis refused a command because the stream's group is gone: {@code NOGROUP}, or a blocked read ended
	 * because its stream was deleted.
	 */
	static boolean groupLost(Throwable error) {
		return RedisLoop.refused(error) && (messageContains(error, "NOGROUP")
				|| messageContains(error, "the stream key no longer exists"));
	}

	static boolean messageContains(Throwable error, String text) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			String message = t.getMessage();
			if (message != null && message.contains(text)) {
				return true;
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return false;
	}

	static MapRecord<byte[], byte[], byte[]> record(byte[] key, Map<byte[], byte[]> fields) {
		return MapRecord.create(key, fields);
	}

	/** XADD, trimmed to about {@code maxlen} entries if {@code maxlen > 0}. */
	static @Nullable RecordId add(RedisConnection connection, byte[] key, Map<byte[], byte[]> fields, long maxlen) {
		XAddOptions options = (maxlen > 0) ? XAddOptions.maxlen(maxlen).approximateTrimming(true) : XAddOptions.none();
		return connection.streamCommands().xAdd(record(key, fields), options);
	}

	/**
	 * Renews the leases of pending entries of this consumer: their idle time restarts, their delivery count stays.
	 * An entry another consumer owns now (it took it over) is left alone, in the same atomic step.
	 * @return the ids this consumer no longer owns (taken over, or no longer pending)
	 */
	static List<String> renew(RedisConnection connection, byte[] key, String consumer, Collection<String> ids) {
		byte[][] keysAndArgs = new byte[3 + ids.size()][];
		keysAndArgs[0] = key;
		keysAndArgs[1] = RedisKeys.bytes(RedisKeys.GROUP);
		keysAndArgs[2] = RedisKeys.bytes(consumer);
		int i = 3;
		for (String id : ids) {
			keysAndArgs[i++] = RedisKeys.bytes(id);
		}
		List<Object> lost = connection.scriptingCommands().eval(RENEW_OWNED, ReturnType.MULTI, 1, keysAndArgs);
		List<String> ids2 = new ArrayList<>();
		if (lost != null) {
			for (Object id : lost) {
				ids2.add(asText(id));
			}
		}
		return ids2;
	}

	/**
	 * Delivery counts of some pending entries of one consumer, by entry id, oldest first.
	 */
	static Map<String, Long> deliveryCounts(RedisConnection connection, byte[] key, String consumer, String firstId,
			String lastId, int count) {
		PendingMessages pending = connection.streamCommands().xPending(key, RedisKeys.GROUP,
				XPendingOptions.range(Range.closed(firstId, lastId), (long) count).consumer(consumer));
		Map<String, Long> counts = new java.util.LinkedHashMap<>();
		if (pending != null) {
			for (PendingMessage message : pending) {
				counts.put(message.getIdAsString(), message.getTotalDeliveryCount());
			}
		}
		return counts;
	}

	/**
	 * A consumer's pending entries idle for at least {@code minIdle}, with their delivery counts, by id (oldest
	 * first).
	 */
	static Map<String, Long> idlePending(RedisConnection connection, byte[] key, String consumer, Duration minIdle,
			int count) {
		PendingMessages pending = connection.streamCommands().xPending(key, RedisKeys.GROUP,
				XPendingOptions.unbounded((long) count).consumer(consumer).minIdleTime(minIdle));
		Map<String, Long> counts = new java.util.LinkedHashMap<>();
		if (pending != null) {
			for (PendingMessage message : pending) {
				counts.put(message.getIdAsString(), message.getTotalDeliveryCount());
			}
		}
		return counts;
	}

	/** Claims entries (to the same or another consumer) with their fields; a claim counts a delivery. */
	static List<ByteRecord> claim(RedisConnection connection, byte[] key, String consumer, Duration minIdle,
			Collection<String> ids) {
		List<ByteRecord> records = connection.streamCommands().xClaim(key, RedisKeys.GROUP, consumer,
				XClaimOptions.minIdle(minIdle).ids(ids.toArray(new String[0])));
		return (records != null) ? records : List.of();
	}

	/**
	 * The ids of a consumer's pending entries that no longer exist in the stream (deleted while pending); Redis 6.2
	 * reports them to XAUTOCLAIM only as nils.
	 */
	static List<String> deletedPending(RedisConnection connection, byte[] key, String consumer, int count) {
		PendingMessages pending = connection.streamCommands().xPending(key, RedisKeys.GROUP,
				XPendingOptions.unbounded((long) count).consumer(consumer));
		List<String> deleted = new ArrayList<>();
		if (pending != null) {
			for (PendingMessage message : pending) {
				String id = message.getIdAsString();
				List<ByteRecord> entry = connection.streamCommands().xRange(key, Range.closed(id, id),
						Limit.limit().count(1));
				if (entry == null || entry.isEmpty()) {
					deleted.add(id);
				}
			}
		}
		return deleted;
	}

	/** Deletes an entry that no consumer has read yet; {@code true} if it did. */
	static boolean cancelUnread(RedisConnection connection, byte[] key, String id) {
		Long deleted = connection.scriptingCommands().eval(CANCEL_UNREAD, ReturnType.INTEGER, 1, key,
				RedisKeys.bytes(RedisKeys.GROUP), RedisKeys.bytes(id));
		return deleted != null && deleted > 0;
	}

	/** The result of one {@code XAUTOCLAIM} call. */
	record AutoClaimed(String cursor, List<Claimed> claimed, List<String> deleted, int nils) {
	}

	/** An entry taken over; {@code fields} is {@code null} if it was deleted under the group (Redis 6.2). */
	record Claimed(String id, @Nullable Map<String, byte[]> fields) {
	}

	/**
	 * {@code XAUTOCLAIM <key> <group> <consumer> <min-idle> <cursor> COUNT <count>}: takes over entries pending
	 * longer than {@code minIdle}, counting a delivery each. Since Redis 7 it also returns the ids of entries that
	 * were deleted while pending (and removes them from the pending list); Redis 6.2 returns them with no fields.
	 */
	static AutoClaimed autoClaim(RedisConnection connection, byte[] key, String consumer, Duration minIdle,
			String cursor, int count) {
		byte[][] args = { key, RedisKeys.bytes(RedisKeys.GROUP), RedisKeys.bytes(consumer),
				RedisKeys.bytes(Long.toString(minIdle.toMillis())), RedisKeys.bytes(cursor),
				RedisKeys.bytes("COUNT"), RedisKeys.bytes(Integer.toString(count)) };
		Object reply = LETTUCE ? LettuceRawCommands.execute(connection, "XAUTOCLAIM", args)
				: connection.execute("XAUTOCLAIM", args);
		if (!(reply instanceof List<?> parts) || parts.size() < 2) {
			throw new IllegalStateException("Unexpected XAUTOCLAIM reply: " + reply);
		}
		String next = asText(parts.get(0));
		List<Claimed> claimed = new ArrayList<>();
		int nils = 0;
		if (parts.get(1) instanceof List<?> entries) {
			for (Object entry : entries) {
				if (entry == null) {
					nils++; // Redis 6.2: an entry deleted while pending, without its id
				}
				else if (entry instanceof List<?> pair && !pair.isEmpty()) {
					String id = asText(pair.get(0));
					Object values = (pair.size() > 1) ? pair.get(1) : null;
					claimed.add(new Claimed(id, (values instanceof List<?> list) ? fieldsOf(list) : null));
				}
			}
		}
		List<String> deleted = new ArrayList<>();
		if (parts.size() > 2 && parts.get(2) instanceof List<?> ids) {
			for (Object id : ids) {
				deleted.add(asText(id));
			}
		}
		return new AutoClaimed(next, claimed, deleted, nils);
	}

	private static Map<String, byte[]> fieldsOf(List<?> flat) {
		Map<String, byte[]> fields = new HashMap<>(flat.size());
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			Object value = flat.get(i + 1);
			fields.put(asText(flat.get(i)), (value instanceof byte[] bytes) ? bytes
					: String.valueOf(value).getBytes(StandardCharsets.UTF_8));
		}
		return fields;
	}

	static String asText(@Nullable Object value) {
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (value instanceof java.nio.ByteBuffer buffer) {
			return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
		}
		return String.valueOf(value);
	}

	/** Entries of a stream, from {@code firstId} on. */
	static List<ByteRecord> range(RedisConnection connection, byte[] key, String fromExclusive, int count) {
		List<ByteRecord> records = connection.streamCommands().xRange(key,
				Range.rightUnbounded(Range.Bound.exclusive(fromExclusive)), Limit.limit().count(count));
		return (records != null) ? records : List.of();
	}

	/** The id of a stream's newest entry, {@code 0-0} if it is empty or missing. */
	static String lastId(RedisConnection connection, byte[] key) {
		List<ByteRecord> last = connection.streamCommands().xRevRange(key, Range.unbounded(), Limit.limit().count(1));
		return (last == null || last.isEmpty()) ? "0-0" : last.get(0).getId().getValue();
	}

	/** Keys of the task streams under the prefix. */
	static List<String> taskStreams(RedisConnection connection, RedisKeys keys) {
		List<String> names = new ArrayList<>();
		ScanOptions options = ScanOptions.scanOptions().match(keys.taskPattern()).count(1000).type(DataType.STREAM)
			.build();
		try (Cursor<byte[]> cursor = connection.keyCommands().scan(options)) {
			while (cursor.hasNext()) {
				names.add(RedisKeys.text(cursor.next()));
			}
		}
		return names;
	}

	/** What Redis reports about one task stream and its group. */
	static RedisStreamStats stats(RedisConnection connection, String taskName, byte[] key) {
		Long length = connection.streamCommands().xLen(key);
		long len = (length != null) ? length : 0;
		long pending = 0;
		long lag = -1;
		String lastDelivered = null;
		try {
			PendingMessagesSummary summary = connection.streamCommands().xPending(key, RedisKeys.GROUP);
			pending = (summary != null) ? summary.getTotalPendingMessages() : 0;
			for (XInfoGroup group : connection.streamCommands().xInfoGroups(key)) {
				if (RedisKeys.GROUP.equals(group.groupName())) {
					lastDelivered = group.lastDeliveredId();
					Object reported = group.getRaw().get("lag");
					if (reported instanceof Number number) {
						lag = number.longValue();
					}
				}
			}
		}
		catch (RuntimeException ex) {
			if (!messageContains(ex, "NOGROUP") && !messageContains(ex, "no such key")) {
				throw ex;
			}
		}
		if (lag < 0) {
			// Redis before 7, or a lag it cannot tell (entries were deleted: done ones are): count the entries past the
			// last delivered one
			lag = (lastDelivered != null) ? range(connection, key, lastDelivered, 100_000).size() : len;
		}
		List<RedisStreamStats.Consumer> consumers = new ArrayList<>();
		try {
			for (XInfoConsumer consumer : connection.streamCommands().xInfoConsumers(key, RedisKeys.GROUP)) {
				consumers.add(new RedisStreamStats.Consumer(consumer.consumerName(), consumer.pendingCount(),
						consumer.idleTime()));
			}
		}
		catch (RuntimeException ex) {
			if (!messageContains(ex, "NOGROUP") && !messageContains(ex, "no such key")) {
				throw ex;
			}
		}
		return new RedisStreamStats(taskName, len, pending, lag, consumers);
	}

}
