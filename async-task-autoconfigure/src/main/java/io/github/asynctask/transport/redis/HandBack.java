package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

/**
 * Hands an entry a stopping node holds back to its task stream, for another node to run: in one script on the
 * stream's key, only while this node's consumer still owns the entry, it adds a copy at the stream's end (any node's
 * reader takes it at once, and no delivery is counted against {@code max-deliveries}) carrying the attempts made so
 * far ({@link Entries#DELIVERED_BEFORE}), and acknowledges the entry. Atomic, so the entry never runs twice for a
 * hand-back nor gets lost if the node dies halfway. (Letting the entry go idle for another node's {@code XAUTOCLAIM}
 * instead would wait for a lease round, count a delivery, and lose the attempts made here.)
 * <p>
 * The first entry of a task, the one its dispatcher knows ({@link Entries#FIRST}), stays in the stream, acknowledged,
 * until the task's last entry is acknowledged after its reply: while it is there its dispatcher knows the task may
 * still be answered ({@link ReplyExpiry}).
 * <p>
 * Threading: any thread; one connection per hand-back (they happen only when a node stops).
 */
final class HandBack {

	private static final Log logger = LogFactory.getLog(HandBack.class);

	/**
	 * KEYS[1] the stream; ARGV[1] group, ARGV[2] consumer, ARGV[3] entry id, ARGV[4] 1 to keep the entry (the
	 * task's first), ARGV[5..] the copy's fields. Returns the copy's id, or false if the consumer no longer owns it.
	 */
	private static final byte[] SCRIPT = RedisKeys.bytes("""
			local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
			if p[1] == nil or p[1][2] ~= ARGV[2] then return false end
			local fields = {}
			for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
			local id = redis.call('XADD', KEYS[1], '*', unpack(fields))
			redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
			if ARGV[4] ~= '1' then redis.call('XDEL', KEYS[1], ARGV[3]) end
			return id
			""");

	private final RedisConnectionFactory factory;

	private final String node;

	private final AtomicInteger handedBack = new AtomicInteger();

	HandBack(RedisConnectionFactory factory, String node) {
		this.factory = factory;
		this.node = node;
	}

	/** Entries handed back so far. */
	int handedBack() {
		return this.handedBack.get();
	}

	/**
	 * Hands an entry back.
	 * @param attempts the attempts made so far (or the one this node would have made): the next node's is one higher
	 * @return whether it was handed back; if not (Redis unreachable, or another node took it over), it stays pending
	 * and is taken over after {@code claim-idle}
	 */
	boolean handBack(TaskStream stream, String id, Map<String, byte[]> fields, long attempts) {
		String first = Entries.text(fields, Entries.FIRST);
		List<byte[]> args = new ArrayList<>();
		args.add(stream.keyBytes);
		args.add(RedisKeys.bytes(RedisKeys.GROUP));
		args.add(RedisKeys.bytes(this.node));
		args.add(RedisKeys.bytes(id));
		args.add(RedisKeys.bytes((first == null) ? "1" : "0"));
		fields.forEach((name, value) -> {
			if (!name.equals(Entries.DELIVERED_BEFORE) && !name.equals(Entries.FIRST)) {
				args.add(RedisKeys.bytes(name));
				args.add(value);
			}
		});
		args.add(RedisKeys.bytes(Entries.DELIVERED_BEFORE));
		args.add(RedisKeys.bytes(Long.toString(attempts)));
		args.add(RedisKeys.bytes(Entries.FIRST));
		args.add(RedisKeys.bytes((first != null) ? first : id));
		try (RedisConnection connection = this.factory.getConnection()) {
			Object copy = connection.scriptingCommands().eval(SCRIPT, ReturnType.VALUE, 1,
					args.toArray(new byte[0][]));
			if (copy == null) {
				logger.warn("Entry " + id + " of " + stream + " was not handed back: another node took it over");
				return false;
			}
			this.handedBack.incrementAndGet();
			if (logger.isDebugEnabled()) {
				logger.debug("Handed entry " + id + " of " + stream + " back as " + RedisStreamOps.asText(copy)
						+ " after " + attempts + " attempt(s)");
			}
			return true;
		}
		catch (RuntimeException ex) {
			logger.warn("Entry " + id + " of " + stream + " could not be handed back (" + RedisLoop.describe(ex)
					+ "); it stays pending and another node takes it over after async-task.redis.claim-idle");
			return false;
		}
	}

}
