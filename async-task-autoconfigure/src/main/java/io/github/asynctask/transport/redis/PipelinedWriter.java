package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisPipelineException;

/**
 * Writes what many threads hand it in pipelines, on one thread and one connection: task entries (XADD), replies with
 * the acknowledgement of their task entry (XADD + XACK), dead letters. Every write waiting when the thread wakes
 * goes in one round trip, so a burst of dispatches or of finished tasks costs one round trip, not one each.
 * <p>
 * A batch that fails because the connection broke is sent again once it is back (a write may then happen twice:
 * delivery is at least once); a command Redis refuses fails only its own write.
 * <p>
 * Threading: {@link #submit} from any thread, never blocking; the writes of one thread keep their order.
 */
final class PipelinedWriter implements Runnable {

	private static final Log logger = LogFactory.getLog(PipelinedWriter.class);

	private static final int MAX_BATCH = 512;

	/** One write: one or more commands issued in a pipeline, then told their results. */
	interface Write {

		/**
		 * Issues its commands; returns how many. An entry to acknowledge (and delete) after them goes to
		 * {@code acks}: the writer acknowledges all of a pipeline's entries of one stream with one XACK and one XDEL,
		 * after every other command of the pipeline.
		 */
		int issue(RedisConnection connection, Acks acks);

		/**
		 * The results of its own commands, in the order it issued them (empty if it issued none); an element may be
		 * an exception.
		 */
		void done(List<Object> results);

		/** It can never be written (the writer stopped with it unwritten). */
		void abandoned();

	}

	/** The entries a pipeline acknowledges and deletes, by stream. */
	static final class Acks {

		private final java.util.Map<String, Ids> byStream = new java.util.LinkedHashMap<>();

		void add(String streamKey, byte[] streamKeyBytes, String id) {
			this.byStream.computeIfAbsent(streamKey, (key) -> new Ids(streamKeyBytes)).ids.add(id);
		}

		int issue(RedisConnection connection) {
			int commands = 0;
			for (Ids ids : this.byStream.values()) {
				String[] array = ids.ids.toArray(new String[0]);
				connection.streamCommands().xAck(ids.key, RedisKeys.GROUP, array);
				connection.streamCommands().xDel(ids.key, array);
				commands += 2;
			}
			return commands;
		}

		void clear() {
			this.byStream.clear();
		}

		private record Ids(byte[] key, List<String> ids) {

			Ids(byte[] key) {
				this(key, new ArrayList<>());
			}

		}

	}

	private final Acks acks = new Acks();

	private final ConcurrentLinkedQueue<Write> queue = new ConcurrentLinkedQueue<>();

	private final AtomicInteger size = new AtomicInteger();

	private final RedisConnections connections;

	private final Thread thread;

	private volatile boolean running = true;

	private volatile boolean parked;

	private volatile long stopDeadline = Long.MAX_VALUE;

	PipelinedWriter(RedisConnectionFactory factory, String threadName) {
		this.connections = new RedisConnections(factory, "Redis writer", logger);
		this.thread = new Thread(this, threadName);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	void submit(Write write) {
		this.queue.offer(write);
		this.size.incrementAndGet();
		if (this.parked) {
			LockSupport.unpark(this.thread);
		}
	}

	/** Writes not yet written. */
	int backlog() {
		return this.size.get();
	}

	@Override
	public void run() {
		List<Write> batch = new ArrayList<>(MAX_BATCH);
		while (true) {
			if (batch.isEmpty()) {
				Write write;
				while (batch.size() < MAX_BATCH && (write = this.queue.poll()) != null) {
					batch.add(write);
				}
			}
			if (batch.isEmpty()) {
				if (!this.running) {
					break;
				}
				this.parked = true;
				if (this.queue.isEmpty()) {
					LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
				}
				this.parked = false;
				continue;
			}
			if (!this.running && System.nanoTime() - this.stopDeadline > 0) {
				break;
			}
			if (flush(batch)) {
				this.size.addAndGet(-batch.size());
				batch.clear();
			}
		}
		this.connections.close();
		for (Write write : batch) {
			abandon(write);
		}
		Write write;
		while ((write = this.queue.poll()) != null) {
			abandon(write);
		}
	}

	private static void abandon(Write write) {
		try {
			write.abandoned();
		}
		catch (Throwable ex) {
			logger.warn("Abandoning an unwritten Redis write failed", ex);
		}
	}

	/** @return {@code false} if the batch must be sent again */
	private boolean flush(List<Write> batch) {
		int[] counts = new int[batch.size()];
		List<Object> results;
		Acks acks = this.acks;
		acks.clear();
		try {
			RedisConnection connection = this.connections.get();
			connection.openPipeline();
			try {
				for (int i = 0; i < counts.length; i++) {
					counts[i] = batch.get(i).issue(connection, acks);
				}
				acks.issue(connection);
			}
			finally {
				results = connection.closePipeline();
			}
			this.connections.succeeded();
		}
		catch (RedisPipelineException ex) {
			List<Object> partial = ex.getPipelineResult();
			if (partial == null || partial.isEmpty() || allFailed(partial)) {
				this.connections.failed(ex, this.running);
				return false;
			}
			results = partial;
			this.connections.succeeded();
		}
		catch (RuntimeException ex) {
			this.connections.failed(ex, this.running);
			return false;
		}
		int from = 0;
		for (int count : counts) {
			from += count;
		}
		for (int i = from; i < results.size(); i++) {
			if (results.get(i) instanceof Throwable error) {
				logger.error("Acknowledging entries failed (" + error + "); they stay pending and run again after "
						+ "async-task.redis.claim-idle");
				break;
			}
		}
		from = 0;
		for (int i = 0; i < counts.length; i++) {
			// each write sees its own results only: one that issued nothing gets none, never its neighbour's
			int to = Math.min(from + counts[i], results.size());
			try {
				batch.get(i).done(results.subList(Math.min(from, to), to));
			}
			catch (Throwable ex) {
				logger.error("Handling the result of a Redis write failed", ex);
			}
			from += counts[i];
		}
		return true;
	}

	private static boolean allFailed(List<Object> results) {
		for (Object result : results) {
			if (!(result instanceof Throwable)) {
				return false;
			}
		}
		return true;
	}

	/** The first error among a write's results, or {@code null}. */
	static @Nullable Throwable error(List<Object> results) {
		for (Object result : results) {
			if (result instanceof Throwable error) {
				return error;
			}
		}
		return null;
	}

	/**
	 * Stops after writing what was submitted, for at most until the deadline; writes left then are abandoned.
	 * @param deadlineNanos a {@link System#nanoTime()} value
	 */
	void stop(long deadlineNanos) {
		this.stopDeadline = deadlineNanos;
		this.running = false;
		LockSupport.unpark(this.thread);
		try {
			this.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()) + 1000));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
