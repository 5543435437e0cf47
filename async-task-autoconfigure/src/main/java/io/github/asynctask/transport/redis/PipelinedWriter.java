package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Writes what many threads hand it in pipelines, on one thread and one connection: task entries, replies, hand-backs,
 * dead letters, and the acknowledgements that follow them. Every write waiting when the thread wakes goes in one
 * round trip, so a burst of dispatches or of finished tasks costs one round trip, not one each.
 * <p>
 * An entry is acknowledged ({@code XACK} + {@code XDEL}, one of each per stream and pipeline) only after the write
 * that asked for it saw its own commands succeed ({@link #acknowledge}, from {@link Write#done}); the
 * acknowledgements go out with the next pipeline, and are sent again until Redis takes them. A batch that fails
 * because the connection broke is sent again once it is back (a write may then happen twice: delivery is at least
 * once); a command Redis refuses fails only its own write, which may ask to be {@link #retry retried}.
 * <p>
 * Threading: {@link #submit} from any thread, never blocking; the writes of one thread keep their order.
 * {@link Write#issue}, {@link Write#done}, {@link #acknowledge} and {@link #retry} run on the writer's thread.
 */
final class PipelinedWriter implements RedisLoop.Step {

	private static final Log logger = LogFactory.getLog(PipelinedWriter.class);

	private static final int MAX_BATCH = 512;

	private long roundNanos;

	/** One write: one or more commands issued in a pipeline, then told their results. */
	interface Write {

		/** Issues its commands; returns how many. */
		int issue(RedisPipeline pipeline);

		/**
		 * The results of its own commands, in the order it issued them (empty if it issued none); an element may be
		 * an exception.
		 */
		void done(List<Object> results);

		/** It can never be written (the writer stopped with it unwritten). */
		void abandoned();

	}

	private final ConcurrentLinkedQueue<Write> queue = new ConcurrentLinkedQueue<>();

	private final AtomicInteger size = new AtomicInteger();

	private final RedisLoop loop;

	// the writer thread's own state

	private final List<Write> batch = new ArrayList<>(MAX_BATCH);

	/** Entries to acknowledge, by stream, with what to run once they are. */
	private final Map<TaskStream, List<Ack>> acks = new LinkedHashMap<>();

	private final List<Delayed> retries = new ArrayList<>();

	private volatile boolean parked;

	private volatile boolean ended;

	private volatile long stopDeadline = Long.MAX_VALUE;

	PipelinedWriter(RedisConnectionFactory factory, String node) {
		this.loop = new RedisLoop(factory, "async-task-redis-writer", "Redis writer of node " + node, logger, true,
				this);
	}

	void start() {
		this.loop.start();
	}

	void submit(Write write) {
		this.queue.offer(write);
		this.size.incrementAndGet();
		if (this.ended) {
			abandonQueued(); // too late: the thread is gone
		}
		else if (this.parked) {
			this.loop.wake();
		}
	}

	/** Writes not yet written. */
	int backlog() {
		return this.size.get();
	}

	/** Whether the writer's last pipeline failed (Redis unreachable or refusing). */
	boolean failing() {
		return this.loop.failing();
	}

	/**
	 * Acknowledges (and deletes) an entry with the next pipeline, then runs {@code acked}. Writer thread only: from
	 * {@link Write#done}, once the write the entry waited for succeeded.
	 */
	void acknowledge(TaskStream stream, String id, Runnable acked) {
		if (stream.fence != null) {
			stream.fence.acknowledge(id, acked); // a partition's entry: acknowledged under its lease
			return;
		}
		this.acks.computeIfAbsent(stream, (key) -> new ArrayList<>()).add(new Ack(id, acked));
	}

	/** Writes {@code write} again after {@code delayMillis}. Writer thread only: from {@link Write#done}. */
	void retry(Write write, long delayMillis) {
		this.size.incrementAndGet();
		this.retries.add(new Delayed(write, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis)));
	}

	@Override
	public boolean goOn(boolean stopping) {
		if (!stopping) {
			return true;
		}
		boolean workLeft = !this.batch.isEmpty() || !this.queue.isEmpty() || !this.acks.isEmpty()
				|| !this.retries.isEmpty();
		return workLeft && System.nanoTime() - this.stopDeadline < 0;
	}

	@Override
	public void run(RedisConnection connection) {
		if (this.batch.isEmpty()) {
			long now = System.nanoTime();
			long nextRetry = Long.MAX_VALUE;
			for (int i = this.retries.size() - 1; i >= 0; i--) {
				Delayed retry = this.retries.get(i);
				if (now - retry.dueNanos >= 0 && this.batch.size() < MAX_BATCH) {
					this.batch.add(retry.write);
					this.retries.remove(i);
				}
				else {
					nextRetry = Math.min(nextRetry, retry.dueNanos - now);
				}
			}
			Write write;
			while (this.batch.size() < MAX_BATCH && (write = this.queue.poll()) != null) {
				this.batch.add(write);
			}
			if (this.batch.isEmpty() && this.acks.isEmpty()) {
				this.parked = true;
				if (this.queue.isEmpty() && !this.loop.stopping()) {
					LockSupport.parkNanos(this, Math.min(nextRetry, TimeUnit.MILLISECONDS.toNanos(100)));
				}
				this.parked = false;
				return;
			}
		}
		flush(connection);
		this.size.addAndGet(-this.batch.size());
		this.batch.clear();
	}

	/**
	 * When the round trip being built began ({@link System#nanoTime()}); read by {@link Write#issue} on this writer's
	 * thread, so that the writes of one round measure time from one instant.
	 */
	long roundNanos() {
		return this.roundNanos;
	}

	/** Sends the due acknowledgements and the batch in one pipeline; throws if the connection failed. */
	private void flush(RedisConnection connection) {
		this.roundNanos = System.nanoTime();
		List<TaskStream> ackStreams = new ArrayList<>(this.acks.keySet());
		int[] counts = new int[this.batch.size()];
		RedisPipeline pipeline = RedisPipeline.open(connection);
		for (TaskStream stream : ackStreams) {
			String[] ids = ids(this.acks.get(stream));
			pipeline.ack(stream.keyBytes, ids);
			pipeline.delete(stream.keyBytes, ids);
		}
		for (int i = 0; i < counts.length; i++) {
			try {
				counts[i] = this.batch.get(i).issue(pipeline);
			}
			catch (RuntimeException ex) {
				// what was issued goes out as it would have one command at a time (the batch is sent again), and the
				// connection is left as it was found
				try {
					pipeline.results();
				}
				catch (RuntimeException failed) {
					ex.addSuppressed(failed);
				}
				throw ex;
			}
		}
		List<Object> results = pipeline.results();
		int expected = 2 * ackStreams.size();
		for (int count : counts) {
			expected += count;
		}
		if (results.size() < expected) {
			// a result that never came is a failure of its command, not the next command's result
			results = new ArrayList<>(results);
			while (results.size() < expected) {
				results.add(new IllegalStateException("Redis sent no result for this command"));
			}
		}
		int from = 0;
		for (TaskStream stream : ackStreams) {
			Object acked = (from < results.size()) ? results.get(from) : null;
			from += 2;
			if (acked instanceof Throwable error) {
				logger.warn("Acknowledging entries of " + stream + " failed (" + error + "); sending it again");
				continue; // kept for the next pipeline
			}
			for (Ack ack : this.acks.remove(stream)) {
				try {
					ack.acked.run();
				}
				catch (Throwable ex) {
					logger.error("Handling an acknowledgement failed", ex);
				}
			}
		}
		for (int i = 0; i < counts.length; i++) {
			// each write sees its own results only: one that issued nothing gets none, never its neighbour's
			int to = Math.min(from + counts[i], results.size());
			try {
				this.batch.get(i).done(results.subList(Math.min(from, to), to));
			}
			catch (Throwable ex) {
				logger.error("Handling the result of a Redis write failed", ex);
			}
			from += counts[i];
		}
	}

	private static String[] ids(List<Ack> acks) {
		String[] ids = new String[acks.size()];
		for (int i = 0; i < ids.length; i++) {
			ids[i] = acks.get(i).id;
		}
		return ids;
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

	@Override
	public void ended() {
		this.ended = true;
		for (Write unwritten : this.batch) {
			abandon(unwritten);
		}
		this.batch.clear();
		for (Delayed retry : this.retries) {
			abandon(retry.write);
		}
		this.retries.clear();
		abandonQueued();
		if (!this.acks.isEmpty()) {
			logger.warn("The writer stopped before it could acknowledge " + this.acks.values().stream()
				.mapToInt(List::size)
				.sum() + " entries whose outcome is written; they stay pending and are taken over (and their "
					+ "duplicate outcome ignored) after async-task.redis.claim-idle");
			this.acks.clear();
		}
	}

	private void abandonQueued() {
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

	/**
	 * Stops after writing what was submitted, for at most until the deadline; writes left then are abandoned.
	 * @param deadlineNanos a {@link System#nanoTime()} value
	 */
	void stop(long deadlineNanos) {
		this.stopDeadline = deadlineNanos;
		this.loop.stop();
		this.loop.await(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()) + 1000));
	}

	private record Ack(String id, Runnable acked) {
	}

	private record Delayed(Write write, long dueNanos) {
	}

}
