package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

/**
 * A live node's heartbeat: the hash {@code <prefix>:node:<node-id>}, holding this run's {@code incarnation} and the
 * figures the endpoint's cluster view shows ({@code lastSeen} on Redis's clock, {@code workers}, {@code running},
 * {@code consuming}), with a TTL of {@code claim-idle}, renewed every {@code claim-idle / 3} on a thread of its own. At start a node claims its id:
 * a key another run keeps alive means a live node with the same id, and startup fails naming it (a key left by a
 * node that died expires within {@code claim-idle}, which the claim waits for). A clean stop deletes the key.
 * <p>
 * Threading: {@link #claim} on the starting thread; {@link #start} and {@link #stop} by the transport's lifecycle.
 */
final class NodeHeartbeat implements RedisLoop.Step {

	private static final Log logger = LogFactory.getLog(NodeHeartbeat.class);

	/**
	 * Writes this run's hash with a TTL, unless another run holds the key; 1 if it did. A key of another type (left
	 * by an older version, which kept a plain string) is another run's while it lives.
	 */
	private static final byte[] BEAT = RedisKeys.bytes("""
			local t = redis.call('TYPE', KEYS[1])['ok']
			if t ~= 'none' and (t ~= 'hash' or redis.call('HGET', KEYS[1], 'incarnation') ~= ARGV[1]) then
			  return 0
			end
			local now = redis.call('TIME')
			local ms = tostring(tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
			redis.call('HSET', KEYS[1], 'incarnation', ARGV[1], 'lastSeen', ms, 'workers', ARGV[3],
			  'running', ARGV[4], 'consuming', ARGV[5])
			redis.call('PEXPIRE', KEYS[1], ARGV[2])
			return 1
			""");

	/** Deletes the key if this run holds it. */
	private static final byte[] END = RedisKeys.bytes("""
			if redis.call('TYPE', KEYS[1])['ok'] == 'hash' and redis.call('HGET', KEYS[1], 'incarnation') == ARGV[1] then
			  return redis.call('DEL', KEYS[1])
			end
			return 0
			""");

	/** What a heartbeat tells of its node besides being alive. */
	interface Figures {

		/** The node's task workers. */
		int workers();

		/** Tasks the node runs now. */
		int running();

		/** The task names whose streams the node reads (empty: dispatch only). */
		List<String> consuming();

	}

	private final String node;

	private final String keyText;

	private final byte[] key;

	private final byte[] incarnation;

	private final Duration claimIdle;

	private final long periodNanos;

	private final RedisConnectionFactory factory;

	private final RedisLoop loop;

	private final Figures figures;

	private boolean lost;

	NodeHeartbeat(RedisConnectionFactory factory, RedisKeys keys, String node, String incarnation,
			Duration claimIdle, Figures figures) {
		this.factory = factory;
		this.figures = figures;
		this.node = node;
		this.keyText = keys.node(node);
		this.key = RedisKeys.bytes(this.keyText);
		this.incarnation = RedisKeys.bytes(incarnation);
		this.claimIdle = claimIdle;
		this.periodNanos = TimeUnit.MILLISECONDS.toNanos(Leases.periodMillis(claimIdle));
		this.loop = new RedisLoop(factory, "async-task-redis-heartbeat", "Redis heartbeat of node " + node, logger,
				true, this);
	}

	/**
	 * Claims the node id, waiting up to {@code claim-idle} for a key left by a node that died to expire.
	 * @throws IllegalStateException naming the id if a live node keeps it
	 */
	void claim(RedisConnection connection) {
		long deadline = System.nanoTime() + this.claimIdle.toNanos() + TimeUnit.MILLISECONDS.toNanos(500);
		boolean waited = false;
		while (!beat(connection)) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Another live node uses the node id '" + this.node + "': its heartbeat "
						+ "key " + this.keyText + " was kept alive for longer than async-task.redis.claim-idle ("
						+ this.claimIdle.toMillis() + "ms). Two nodes with one id would share one consumer and one "
						+ "reply stream. Give each node its own async-task.redis.node-id (or leave it unset: host name "
						+ "and process id).");
			}
			if (!waited) {
				logger.info("Node id '" + this.node + "' has a heartbeat in Redis (" + this.keyText + "): waiting up to "
						+ "claim-idle for it to expire, as it does if its node died");
				waited = true;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
		}
	}

	private boolean beat(RedisConnection connection) {
		Long done = connection.scriptingCommands().eval(BEAT, ReturnType.INTEGER, 1, this.key, this.incarnation,
				RedisKeys.bytes(Long.toString(this.claimIdle.toMillis())),
				RedisKeys.bytes(Integer.toString(this.figures.workers())),
				RedisKeys.bytes(Integer.toString(this.figures.running())),
				RedisKeys.bytes(String.join(",", this.figures.consuming())));
		return done != null && done > 0;
	}

	void start() {
		this.loop.start();
	}

	@Override
	public void run(RedisConnection connection) {
		LockSupport.parkNanos(this, this.periodNanos);
		if (this.loop.stopping()) {
			return;
		}
		boolean kept = beat(connection);
		if (!kept && !this.lost) {
			logger.error("Another node took the node id '" + this.node + "' (" + this.keyText + ") while this one "
					+ "paused for longer than async-task.redis.claim-idle; two nodes now share one id. Give each node "
					+ "its own async-task.redis.node-id.");
		}
		this.lost = !kept;
	}

	/** Stops the heartbeat and deletes the key (if this run still holds it). */
	void stop() {
		this.loop.stop();
		this.loop.await(2000);
		try (RedisConnection connection = this.factory.getConnection()) {
			connection.scriptingCommands().eval(END, ReturnType.INTEGER, 1, this.key, this.incarnation);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete the heartbeat key " + this.keyText + " (it expires after claim-idle): " + ex);
		}
	}

}
