package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

/**
 * A live node's heartbeat: the key {@code <prefix>:node:<node-id>}, holding this run's incarnation, with a TTL of
 * {@code claim-idle}, renewed every {@code claim-idle / 3} on a thread of its own. At start a node claims its id:
 * a key another run keeps alive means a live node with the same id, and startup fails naming it (a key left by a
 * node that died expires within {@code claim-idle}, which the claim waits for). A clean stop deletes the key.
 * <p>
 * Threading: {@link #claim} on the starting thread; {@link #start} and {@link #stop} by the transport's lifecycle.
 */
final class NodeHeartbeat implements RedisLoop.Step {

	private static final Log logger = LogFactory.getLog(NodeHeartbeat.class);

	/** Sets the key to this run's value with a TTL, unless another run holds it; 1 if it did. */
	private static final byte[] BEAT = RedisKeys.bytes("""
			local v = redis.call('GET', KEYS[1])
			if v == false or v == ARGV[1] then
			  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
			  return 1
			end
			return 0
			""");

	/** Deletes the key if this run holds it. */
	private static final byte[] END = RedisKeys.bytes("""
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  return redis.call('DEL', KEYS[1])
			end
			return 0
			""");

	private final String node;

	private final String keyText;

	private final byte[] key;

	private final byte[] incarnation;

	private final Duration claimIdle;

	private final long periodNanos;

	private final RedisConnectionFactory factory;

	private final RedisLoop loop;

	private boolean lost;

	NodeHeartbeat(RedisConnectionFactory factory, RedisKeys keys, String node, String incarnation,
			Duration claimIdle) {
		this.factory = factory;
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
				RedisKeys.bytes(Long.toString(this.claimIdle.toMillis())));
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
