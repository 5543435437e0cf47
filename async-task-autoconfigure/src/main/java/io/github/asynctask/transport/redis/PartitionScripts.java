package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;

/**
 * The Redis side of the partitions of keyed tasks, each step one Lua script so that it is atomic:
 * <ul>
 * <li>The fenced lease of a partition: a hash next to its stream ({@link RedisKeys#lease}), in the same Cluster slot,
 * holding the owner node ({@code o}), the generation ({@code g}, incremented at every take and never reset) and the
 * time the lease ends ({@code u}, milliseconds on Redis's own clock). It is taken only when free or ended, renewed
 * only by its owner of the same generation, released only by it.</li>
 * <li>Every read ({@code XREADGROUP}), takeover ({@code XAUTOCLAIM}) and acknowledgement ({@code XACK} +
 * {@code XDEL}) of a partition checks owner and generation first, in the same script: a node that lost the lease
 * (paused, partitioned, slow) can neither read nor acknowledge there any more ({@value #FENCED}).</li>
 * <li>The members: the consuming nodes that own partitions, a sorted set by the time their membership ends
 * ({@link RedisKeys#members}), renewed with their leases.</li>
 * </ul>
 * The consumer name of an owner is its generation and node, so each owner has a pending list of its own.
 * <p>
 * Threading: stateless; each call on the caller's connection.
 */
final class PartitionScripts {

	/** The error a fenced step answers with when the lease is no longer the caller's. */
	static final String FENCED = "FENCED";

	private static final String NOW = """
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			""";

	private static final String OWNED = """
			local lease = redis.call('HMGET', KEYS[1], 'o', 'g', 'u')
			if lease[1] ~= ARGV[1] or lease[2] ~= ARGV[2] then
			  return redis.error_reply('FENCED the lease of ' .. KEYS[2] .. ' is not held by ' .. ARGV[1]
			    .. ' in generation ' .. ARGV[2])
			end
			""";

	/** KEYS lease, stream; ARGV node, ttl, group. The new generation; 0 if another holds it; -1 if no stream. */
	private static final byte[] TAKE = RedisKeys.bytes("""
			if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
			""" + NOW + """
			local lease = redis.call('HMGET', KEYS[1], 'o', 'u')
			if lease[1] and lease[1] ~= '' and tonumber(lease[2] or '0') > now then return 0 end
			local g = redis.call('HINCRBY', KEYS[1], 'g', 1)
			redis.call('HSET', KEYS[1], 'o', ARGV[1], 'u', now + tonumber(ARGV[2]))
			redis.pcall('XGROUP', 'CREATE', KEYS[2], ARGV[3], '0')
			return g
			""");

	/** KEYS lease, stream; ARGV node, generation, ttl. 1 if renewed. */
	private static final byte[] RENEW = RedisKeys.bytes("""
			local lease = redis.call('HMGET', KEYS[1], 'o', 'g')
			if lease[1] ~= ARGV[1] or lease[2] ~= ARGV[2] then return 0 end
			""" + NOW + """
			redis.call('HSET', KEYS[1], 'u', now + tonumber(ARGV[3]))
			return 1
			""");

	/** KEYS lease, stream; ARGV node, generation. 1 if released. */
	private static final byte[] RELEASE = RedisKeys.bytes("""
			local lease = redis.call('HMGET', KEYS[1], 'o', 'g')
			if lease[1] ~= ARGV[1] or lease[2] ~= ARGV[2] then return 0 end
			redis.call('HSET', KEYS[1], 'o', '', 'u', '0')
			return 1
			""");

	/** KEYS lease, stream; ARGV node, generation, group, consumer, count, from ({@code >} or an id). */
	private static final byte[] READ = RedisKeys.bytes(OWNED + NOW + """
			if tonumber(lease[3]) <= now then
			  return redis.error_reply('LAPSED the lease of ' .. KEYS[2] .. ' ran out before its renewal')
			end
			return redis.call('XREADGROUP', 'GROUP', ARGV[3], ARGV[4], 'COUNT', ARGV[5], 'STREAMS', KEYS[2], ARGV[6])
			""");

	/** KEYS lease, stream; ARGV node, generation, group, ids... The number acknowledged. */
	private static final byte[] ACK = RedisKeys.bytes(OWNED + """
			local acked = redis.call('XACK', KEYS[2], ARGV[3], unpack(ARGV, 4))
			redis.call('XDEL', KEYS[2], unpack(ARGV, 4))
			return acked
			""");

	/**
	 * KEYS lease, stream; ARGV node, generation, group, consumer, cursor, count. Moves every pending entry of the
	 * partition (the previous owners') to this owner's consumer, in id order, without counting a delivery; once the
	 * cursor is back at the start, removes the other consumers, which hold nothing any more. The next cursor.
	 */
	private static final byte[] CLAIM = RedisKeys.bytes(OWNED + """
			local r = redis.call('XAUTOCLAIM', KEYS[2], ARGV[3], ARGV[4], 0, ARGV[5], 'COUNT', ARGV[6], 'JUSTID')
			if r[1] == '0-0' then
			  for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[2], ARGV[3])) do
			    local name, pending
			    for i = 1, #c, 2 do
			      if c[i] == 'name' then name = c[i + 1] elseif c[i] == 'pending' then pending = c[i + 1] end
			    end
			    if name ~= ARGV[4] and pending == 0 then redis.call('XGROUP', 'DELCONSUMER', KEYS[2], ARGV[3], name) end
			  end
			end
			return r[1]
			""");

	/** KEYS members; ARGV node, ttl (0: leave). The live members, this one included unless it left. */
	private static final byte[] MEMBERS = RedisKeys.bytes(NOW + """
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
			if tonumber(ARGV[2]) > 0 then
			  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
			else
			  redis.call('ZREM', KEYS[1], ARGV[1])
			end
			return redis.call('ZRANGE', KEYS[1], 0, -1)
			""");

	private PartitionScripts() {
	}

	/**
	 * The error a read answers with when the caller still owns the lease but it ran out (its renewal is late): no
	 * new entries are read until it is renewed, or another node takes it.
	 */
	static final String LAPSED = "LAPSED";

	/** Whether Redis refused a read because the caller's lease ran out before its renewal. */
	static boolean lapsed(Throwable error) {
		return RedisStreamOps.messageContains(error, LAPSED);
	}

	/** Whether Redis refused a fenced step because the lease is no longer the caller's. */
	static boolean fenced(Throwable error) {
		return RedisStreamOps.messageContains(error, FENCED);
	}

	/** The new generation if taken, 0 if another node holds the lease, -1 if the partition has no stream yet. */
	static long take(RedisConnection connection, Partition partition, String node, long ttlMillis) {
		Long result = connection.scriptingCommands().eval(TAKE, ReturnType.INTEGER, 2, partition.leaseKey,
				partition.stream.keyBytes, bytes(node), bytes(ttlMillis), bytes(RedisKeys.GROUP));
		return (result != null) ? result : 0;
	}

	static boolean renew(RedisConnection connection, Partition partition, String node, long generation,
			long ttlMillis) {
		Long result = connection.scriptingCommands().eval(RENEW, ReturnType.INTEGER, 2, partition.leaseKey,
				partition.stream.keyBytes, bytes(node), bytes(generation), bytes(ttlMillis));
		return result != null && result > 0;
	}

	static boolean release(RedisConnection connection, Partition partition, String node, long generation) {
		Long result = connection.scriptingCommands().eval(RELEASE, ReturnType.INTEGER, 2, partition.leaseKey,
				partition.stream.keyBytes, bytes(node), bytes(generation));
		return result != null && result > 0;
	}

	/**
	 * Reads entries under the lease: new ones ({@code from} {@code >}) or this owner's pending ones after
	 * {@code from}.
	 * @return id and fields of each entry, in id order; the fields are empty for an entry deleted while pending
	 */
	static List<Read> read(RedisConnection connection, Partition partition, String node, long generation,
			String consumer, int count, String from) {
		List<Object> reply = connection.scriptingCommands().eval(READ, ReturnType.MULTI, 2, partition.leaseKey,
				partition.stream.keyBytes, bytes(node), bytes(generation), bytes(RedisKeys.GROUP), bytes(consumer),
				bytes(count), bytes(from));
		List<Read> entries = new ArrayList<>();
		if (reply == null || reply.isEmpty() || !(reply.get(0) instanceof List<?> stream) || stream.size() < 2
				|| !(stream.get(1) instanceof List<?> records)) {
			return entries;
		}
		for (Object record : records) {
			if (record instanceof List<?> pair && !pair.isEmpty()) {
				Object values = (pair.size() > 1) ? pair.get(1) : null;
				entries.add(new Read(RedisStreamOps.asText(pair.get(0)),
						(values instanceof List<?> flat) ? fields(flat) : Map.of()));
			}
		}
		return entries;
	}

	/** Acknowledges and deletes entries under the lease; throws ({@link #fenced}) if it is no longer the caller's. */
	static void acknowledge(RedisConnection connection, Partition partition, String node, long generation,
			List<String> ids) {
		byte[][] keysAndArgs = new byte[5 + ids.size()][];
		keysAndArgs[0] = partition.leaseKey;
		keysAndArgs[1] = partition.stream.keyBytes;
		keysAndArgs[2] = bytes(node);
		keysAndArgs[3] = bytes(generation);
		keysAndArgs[4] = bytes(RedisKeys.GROUP);
		for (int i = 0; i < ids.size(); i++) {
			keysAndArgs[5 + i] = bytes(ids.get(i));
		}
		connection.scriptingCommands().eval(ACK, ReturnType.INTEGER, 2, keysAndArgs);
	}

	/** One step of moving the previous owners' pending entries to this owner; the next cursor ({@code 0-0}: done). */
	static String claim(RedisConnection connection, Partition partition, String node, long generation,
			String consumer, String cursor, int count) {
		Object next = connection.scriptingCommands().eval(CLAIM, ReturnType.VALUE, 2, partition.leaseKey,
				partition.stream.keyBytes, bytes(node), bytes(generation), bytes(RedisKeys.GROUP), bytes(consumer),
				bytes(cursor), bytes(count));
		return RedisStreamOps.asText(next);
	}

	/**
	 * Renews (or, with {@code ttlMillis} 0, ends) this node's membership and returns the live members.
	 */
	static List<String> members(RedisConnection connection, byte[] membersKey, String node, long ttlMillis) {
		List<Object> reply = connection.scriptingCommands().eval(MEMBERS, ReturnType.MULTI, 1, membersKey,
				bytes(node), bytes(ttlMillis));
		List<String> members = new ArrayList<>();
		if (reply != null) {
			for (Object member : reply) {
				members.add(RedisStreamOps.asText(member));
			}
		}
		return members;
	}

	private static Map<String, byte[]> fields(List<?> flat) {
		Map<String, byte[]> fields = new HashMap<>(flat.size());
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			Object value = flat.get(i + 1);
			fields.put(RedisStreamOps.asText(flat.get(i)), (value instanceof byte[] b) ? b : bytes(String.valueOf(value)));
		}
		return fields;
	}

	private static byte[] bytes(Object value) {
		return RedisKeys.bytes(String.valueOf(value));
	}

	/** An entry read from a partition. */
	record Read(String id, Map<String, byte[]> fields) {

		Read {
			id = Objects.requireNonNull(id);
		}

		boolean deleted() {
			return this.fields.isEmpty();
		}

		@Nullable String key() {
			return Entries.text(this.fields, Entries.KEY);
		}

	}

}
