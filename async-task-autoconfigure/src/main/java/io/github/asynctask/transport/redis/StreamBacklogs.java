package io.github.asynctask.transport.redis;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Keeps each task stream's length ({@code XLEN}, one key per command) up to date for the dispatch path, every
 * {@value #PERIOD_MILLIS} ms on a thread of its own, so that {@code redis.max-backlog} pushes back on dispatch without
 * a command per dispatch. The length counts the entries not yet read plus those read and not yet acknowledged
 * (acknowledged ones are deleted).
 * <p>
 * Threading: {@link #start} and {@link #stop} by the transport's lifecycle; {@link TaskStream#length()} from any
 * thread.
 */
final class StreamBacklogs implements RedisLoop.Step {

	private static final Log logger = LogFactory.getLog(StreamBacklogs.class);

	static final long PERIOD_MILLIS = 50;

	private final List<TaskStream> streams;

	private final RedisLoop loop;

	StreamBacklogs(RedisConnectionFactory factory, String node, List<TaskStream> streams) {
		this.streams = List.copyOf(streams);
		this.loop = new RedisLoop(factory, "async-task-redis-backlog", "Redis backlog watcher of node " + node, logger,
				true, this);
	}

	void start() {
		this.loop.start();
	}

	void stop() {
		this.loop.stop();
		this.loop.await(2000);
	}

	@Override
	public void run(RedisConnection connection) {
		for (TaskStream stream : this.streams) {
			Long length = connection.streamCommands().xLen(stream.keyBytes);
			stream.length((length != null) ? length : 0);
		}
		LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS));
	}

}
