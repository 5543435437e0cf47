package io.github.asynctask.transport.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;

/**
 * Delayed tasks in Redis: one sorted set per task stream, scored by due time in milliseconds of Redis's own clock,
 * whose members are the task entries themselves, encoded; and the three scripts that add, move and take back
 * members, each on one sorted set and (to move) its task stream.
 * <p>
 * <b>Key.</b> {@code <prefix>:delayed:{<stream key>}}, e.g. {@code async-task:delayed:{async-task:task:Echo}}: the
 * hash tag is the whole task stream key, so on Redis Cluster the sorted set hashes to the slot of its stream (a key
 * without a hash tag hashes as a whole, so its slot is the slot of that text as a tag) and the move script may touch
 * both, while the task streams keep their names and stay spread over the slots. Where the stream key holds a hash
 * tag of its own (a prefix like {@code {app}}), that tag is used instead, for the same slot.
 * <p>
 * <b>Member.</b> The entry's fields as netstrings, {@code <length>:<bytes>} for each name and value in turn, origin
 * ({@code o}), incarnation ({@code g}) and task id ({@code i}) first, so that a member is unique (one per dispatched
 * task) and its first three fields find it again to cancel it; {@code t}, the dispatch time (ms, the dispatching
 * node's clock) follows the payload. The move script adds {@code u}, the due time, to the stream entry it writes. A
 * member written twice (the writer sends a pipeline again after a lost connection) is one member: one task.
 * <p>
 * <b>Exactly once.</b> The move script reads {@code TIME}, takes the due members ({@code ZRANGEBYSCORE ... LIMIT}) and
 * for each one {@code XADD}s its entry and {@code ZREM}s it, in one atomic step on Redis: any number of movers may
 * race, each member is moved by the first and found gone by the others, and an entry is never in both keys nor in
 * neither (a failing {@code XADD} aborts the script before that member's {@code ZREM}).
 * <p>
 * Threading: stateless.
 */
final class DelayedEntries {

	/** Field of a moved entry: its due time, ms on Redis's clock. */
	static final String DUE = "u";

	/** Field of a delayed entry: its dispatch time, ms on the dispatching node's clock. */
	static final String DISPATCHED = "t";

	/**
	 * Adds a member with the due time {@code TIME + ARGV[1]} ms; publishes the task name (ARGV[3]) on the channel
	 * ARGV[4] when it is now the earliest of its set. Returns {@code {due, earlier}}.
	 */
	static final byte[] ADD = RedisKeys.bytes("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local due = now + tonumber(ARGV[1])
			local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
			local earlier = 0
			if first[2] == nil or due < tonumber(first[2]) then earlier = 1 end
			redis.call('ZADD', KEYS[1], due, ARGV[2])
			if earlier == 1 then redis.call('PUBLISH', ARGV[4], ARGV[3]) end
			return {due, earlier}
			""");

	/**
	 * Moves up to ARGV[1] due members of KEYS[1] to the stream KEYS[2] (0: moves none, only reports). Returns
	 * {@code {moved, left, next, overdue}}: members left, ms until the earliest left is due (-1: none), and how long
	 * the earliest member was overdue before this call moved anything (0: none was due).
	 */
	static final byte[] MOVE = RedisKeys.bytes("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local limit = tonumber(ARGV[1])
			local overdue = 0
			local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
			if first[2] ~= nil and tonumber(first[2]) <= now then overdue = now - tonumber(first[2]) end
			local moved = 0
			if overdue > 0 or (first[2] ~= nil and tonumber(first[2]) <= now) then
			  if limit > 0 then
			    local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now), 'WITHSCORES', 'LIMIT', 0, limit)
			    for i = 1, #due, 2 do
			      local m = due[i]
			      local f = {}
			      local pos = 1
			      while pos <= #m do
			        local c = string.find(m, ':', pos, true)
			        local n = c and tonumber(string.sub(m, pos, c - 1))
			        if n == nil or c + n > #m then f = {'malformed', m} break end
			        f[#f + 1] = string.sub(m, c + 1, c + n)
			        pos = c + n + 1
			      end
			      if #f % 2 == 1 then f = {'malformed', m} end
			      f[#f + 1] = 'u'
			      f[#f + 1] = due[i + 1]
			      redis.call('XADD', KEYS[2], '*', unpack(f))
			      redis.call('ZREM', KEYS[1], m)
			      moved = moved + 1
			    end
			  end
			end
			local nxt = -1
			local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
			if head[2] ~= nil then nxt = math.max(0, tonumber(head[2]) - now) end
			return {moved, redis.call('ZCARD', KEYS[1]), nxt, overdue}
			""");

	/** Removes the member due at ARGV[1] that starts with ARGV[2]; returns 1 if there was one. */
	static final byte[] CANCEL = RedisKeys.bytes("""
			local members = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])
			for _, m in ipairs(members) do
			  if string.sub(m, 1, #ARGV[2]) == ARGV[2] then
			    return redis.call('ZREM', KEYS[1], m)
			  end
			end
			return 0
			""");

	private DelayedEntries() {
	}

	/**
	 * The sorted set of a task stream's delayed entries: on the stream's Cluster slot (see the class comment), and
	 * one per stream. A stream key without a hash tag becomes the set's tag; one with a tag of its own (a keyed
	 * task's partition stream, or a prefix with a tag) is kept whole, so its tag comes first in the set's key too.
	 */
	static String key(String prefix, String streamKey) {
		return slotPart(streamKey).equals(streamKey) ? prefix + ":delayed:{" + streamKey + "}"
				: prefix + ":delayed:" + streamKey;
	}

	/** What Redis Cluster hashes of a key: its hash tag if it has one, else the whole key. */
	static String slotPart(String key) {
		int open = key.indexOf('{');
		if (open >= 0) {
			int close = key.indexOf('}', open + 1);
			if (close > open + 1) {
				return key.substring(open + 1, close);
			}
		}
		return key;
	}

	/** The channel where a dispatch that made a set's earliest due time earlier says so (the task name). */
	static String channel(String prefix) {
		return prefix + ":delayed-due";
	}

	/** The member of an entry: its fields as netstrings, in the map's order. */
	static byte[] member(Map<byte[], byte[]> fields) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(64);
		fields.forEach((name, value) -> {
			netstring(out, name);
			netstring(out, value);
		});
		return out.toByteArray();
	}

	/** The first fields of a member: origin, incarnation and task id, which find it again. */
	static byte[] head(String origin, String incarnation, long taskId) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(48);
		for (String text : List.of(Entries.ORIGIN, origin, Entries.INCARNATION, incarnation, Entries.ID,
				Long.toString(taskId))) {
			netstring(out, text.getBytes(StandardCharsets.UTF_8));
		}
		return out.toByteArray();
	}

	private static void netstring(ByteArrayOutputStream out, byte[] bytes) {
		out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
		out.write(':');
		out.writeBytes(bytes);
	}

	/** Takes back a member not yet moved; {@code true} if it was still there. */
	static boolean cancel(RedisConnection connection, byte[] key, long due, byte[] head) {
		Long removed = connection.scriptingCommands().eval(CANCEL, ReturnType.INTEGER, 1, key,
				RedisKeys.bytes(Long.toString(due)), head);
		return removed != null && removed > 0;
	}

	/**
	 * One move: up to {@code limit} due members to the stream (0: none, only the figures).
	 * @return moved, left, ms to the next due (-1: none), ms the earliest was overdue
	 */
	static long[] move(RedisConnection connection, byte[] key, byte[] streamKey, int limit) {
		List<Object> result = connection.scriptingCommands().eval(MOVE, ReturnType.MULTI, 2, key, streamKey,
				RedisKeys.bytes(Integer.toString(limit)));
		long[] figures = new long[] { 0, 0, -1, 0 };
		if (result != null) {
			for (int i = 0; i < figures.length && i < result.size(); i++) {
				figures[i] = number(result.get(i));
			}
		}
		return figures;
	}

	static long number(Object value) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		return Long.parseLong(RedisStreamOps.asText(value));
	}

}
