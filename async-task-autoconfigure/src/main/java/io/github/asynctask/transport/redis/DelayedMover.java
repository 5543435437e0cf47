package io.github.asynctask.transport.redis;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Moves the due delayed entries of this node's task names to their streams ({@link DelayedEntries#MOVE}: one script
 * per task name and batch, on Redis's clock), on one thread of its own. Every consuming node runs one; any number may
 * race, each entry moves once.
 * <p>
 * When: each task name is looked at again when its earliest entry falls due (the script tells how far off that is,
 * on Redis's clock), at the latest after {@link #POLL_MILLIS}, and at once when a dispatch made its earliest due time
 * earlier: a dispatch on this node wakes it directly, one on another node through the channel
 * {@link DelayedEntries#channel} (subscribed with Lettuce; other drivers rely on the poll). A batch that was full is
 * followed by the next one at once.
 * <p>
 * A node that does not consume moves nothing ({@code limit} 0): it only reads how many wait and how late the
 * earliest due one is, every {@link #POLL_MILLIS}, for its stats. The partition streams of a task name that had no
 * keyed task ({@link KeyedStreams#isIdle}) have nothing delayed and are not looked at.
 * <p>
 * Threading: {@link #start}, {@link #stop} by the transport's lifecycle; {@link #wake}, {@link #scheduled} from any
 * thread.
 */
final class DelayedMover implements RedisLoop.Step {

	private static final Log logger = LogFactory.getLog(DelayedMover.class);

	/** The longest a task name waits to be looked at again. */
	static final long POLL_MILLIS = 1000;

	private final RedisConnectionFactory factory;

	private final String node;

	private final byte[] channel;

	private final Slot[] slots;

	private final KeyedStreams keyed;

	private final int limit;

	private final RedisLoop loop;

	private @Nullable RedisConnection subscription;

	/** Wake-ups heard on the channel (another node's dispatch, or this node's own). */
	private final java.util.concurrent.atomic.AtomicLong heard = new java.util.concurrent.atomic.AtomicLong();

	/**
	 * @param limit entries moved per script call; 0 to move none (a node that does not consume)
	 */
	DelayedMover(RedisConnectionFactory factory, String node, String keyPrefix, List<TaskStream> streams,
			KeyedStreams keyed, int limit) {
		this.factory = factory;
		this.keyed = keyed;
		this.node = node;
		this.channel = RedisKeys.bytes(DelayedEntries.channel(keyPrefix));
		this.slots = new Slot[streams.size()];
		for (int i = 0; i < this.slots.length; i++) {
			this.slots[i] = new Slot(streams.get(i));
		}
		this.limit = limit;
		this.loop = new RedisLoop(factory, "async-task-redis-delayed", "Redis mover of delayed tasks of node " + node,
				logger, true, this);
	}

	/** The state of one task name's delayed set. */
	private static final class Slot {

		final TaskStream stream;

		final AtomicBoolean woken = new AtomicBoolean(true);

		long nextNanos;

		volatile long left;

		volatile long overdueMillis;

		Slot(TaskStream stream) {
			this.stream = stream;
		}

	}

	void start() {
		if (this.limit > 0) {
			subscribe();
		}
		this.loop.start();
	}

	void stop() {
		this.loop.stop();
		this.loop.await(2000);
		RedisConnection subscription = this.subscription;
		this.subscription = null;
		if (subscription != null) {
			try {
				subscription.close();
			}
			catch (RuntimeException ex) {
				// already broken
			}
		}
	}

	/** Another node's dispatch made a set's earliest due time earlier: it says so on the channel. */
	private void subscribe() {
		if (!RedisStreamOps.LETTUCE) {
			return; // other drivers block the subscribing thread: the poll stands in
		}
		RedisConnection connection = null;
		try {
			connection = this.factory.getConnection();
			if (!LettuceRawCommands.subscribesWithoutBlocking(connection)) {
				connection.close();
				return;
			}
			connection.subscribe((message, pattern) -> {
				this.heard.incrementAndGet();
				wake(RedisKeys.text(message.getBody()));
			}, this.channel);
			this.subscription = connection;
		}
		catch (RuntimeException ex) {
			logger.warn("The mover of delayed tasks of node " + this.node + " could not subscribe to "
					+ RedisKeys.text(this.channel) + " (" + RedisLoop.describe(ex) + "): a delayed task dispatched on "
					+ "another node is moved within " + POLL_MILLIS + "ms of its due time rather than at it");
			if (connection != null) {
				try {
					connection.close();
				}
				catch (RuntimeException closing) {
					// already broken
				}
			}
		}
	}

	/** A dispatch made the earliest due time of a task name's set earlier: look at it now. */
	void wake(TaskStream stream) {
		wake(stream.taskName);
	}

	private void wake(String taskName) {
		for (Slot slot : this.slots) {
			if (slot.stream.taskName.equals(taskName)) {
				slot.woken.set(true);
				this.loop.wake();
				return;
			}
		}
	}

	/** Wake-ups heard on the channel since start. */
	long heard() {
		return this.heard.get();
	}

	/** Delayed entries waiting in Redis for this node's task names, as last read. */
	long scheduled() {
		long sum = 0;
		for (Slot slot : this.slots) {
			sum += slot.left;
		}
		return sum;
	}

	@Override
	public void run(RedisConnection connection) {
		long now = System.nanoTime();
		long next = now + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
		this.keyed.readMarkers(connection);
		for (Slot slot : this.slots) {
			if (this.loop.stopping()) {
				return;
			}
			if (this.keyed.isIdle(slot.stream)) {
				continue;
			}
			if (slot.woken.getAndSet(false) || now - slot.nextNanos >= 0) {
				look(connection, slot);
			}
			next = (next - slot.nextNanos > 0) ? slot.nextNanos : next;
		}
		long wait = next - System.nanoTime();
		if (wait > 0 && !this.loop.stopping()) {
			LockSupport.parkNanos(this, wait);
		}
	}

	private void look(RedisConnection connection, Slot slot) {
		long[] figures;
		try {
			figures = DelayedEntries.move(connection, slot.stream.delayedKey, slot.stream.keyBytes, this.limit);
		}
		catch (RuntimeException ex) {
			if (!RedisLoop.refused(ex)) {
				slot.woken.set(true);
				throw ex; // the connection: the loop reconnects with back-off
			}
			// refused for this set only (e.g. a key of the wrong type): the other task names go on
			logger.warn("Redis refused to move the delayed tasks of " + slot.stream + " ("
					+ RedisLoop.describe(ex) + "); trying again in " + POLL_MILLIS + "ms");
			slot.nextNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
			return;
		}
		long moved = figures[0];
		slot.left = figures[1];
		slot.overdueMillis = figures[3];
		long untilNext = (figures[2] < 0 || this.limit == 0) ? POLL_MILLIS : Math.min(POLL_MILLIS, figures[2]);
		// a full batch: more may be due, at once
		slot.nextNanos = System.nanoTime()
				+ ((this.limit > 0 && moved >= this.limit) ? 0 : TimeUnit.MILLISECONDS.toNanos(untilNext));
		if (moved > 0 && logger.isDebugEnabled()) {
			logger.debug("Moved " + moved + " due delayed task(s) to " + slot.stream + "; " + figures[1] + " left");
		}
	}

}
