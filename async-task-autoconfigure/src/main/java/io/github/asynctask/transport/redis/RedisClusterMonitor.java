package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.asynctask.execution.DaemonScheduler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;

/**
 * Reads the cluster in the background, for the meters: every {@code period}, one daemon thread reads the
 * {@link RedisClusterView} (so a scrape reads the {@link #latest() last reading} and never waits on Redis), and
 * follows the dead-letter streams from where they were when it started, telling the listener of each dead letter
 * that this node wrote, with its reason's kind ({@link #reasonKind}). So each dead letter is counted once, on the node
 * that dead-lettered it, without a hook in the transport.
 * <p>
 * Threading: {@link #latest()} from any thread; everything else on the monitor's thread.
 */
public final class RedisClusterMonitor implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisClusterMonitor.class);

	private static final int DEAD_LETTERS_PER_READ = 1000;

	/** What learns of this node's dead letters. */
	@FunctionalInterface
	public interface DeadLetterListener {

		/**
		 * @param taskName the task name
		 * @param reasonKind the kind of reason ({@link #reasonKind})
		 * @param count how many
		 */
		void deadLettered(String taskName, String reasonKind, long count);

	}

	private final RedisClusterView view;

	private final RedisConnectionFactory factory;

	private final RedisKeys keys;

	private final String node;

	private final Supplier<? extends Collection<String>> taskNames;

	private final Duration period;

	private final DeadLetterListener listener;

	/** The last dead letter seen per task name's dead-letter stream. */
	private final Map<String, String> lastDeadLetter = new HashMap<>();

	private volatile RedisClusterView.@Nullable Cluster latest;

	private final DaemonScheduler scheduler = new DaemonScheduler("async-task-redis-monitor");

	private boolean failing;

	/**
	 * @param view the view to read (its Redis, key layout, node and task names are the monitor's)
	 * @param period how often to read
	 * @param listener what learns of this node's dead letters
	 */
	public RedisClusterMonitor(RedisClusterView view, Duration period, DeadLetterListener listener) {
		this.view = view;
		this.factory = view.factory();
		this.keys = view.keys();
		this.node = view.node();
		this.taskNames = view.taskNames();
		this.period = period;
		this.listener = listener;
	}

	/** The last reading, or {@code null} before the first one succeeded. */
	public RedisClusterView.@Nullable Cluster latest() {
		return this.latest;
	}

	@Override
	public synchronized void start() {
		ScheduledExecutorService scheduler = this.scheduler.start();
		if (scheduler == null) {
			return;
		}
		// where the dead-letter streams are now, before the task server starts: every later one is counted
		scheduler.submit(this::followDeadLettersQuietly);
		scheduler.scheduleWithFixedDelay(this::readQuietly, 0, this.period.toMillis(), TimeUnit.MILLISECONDS);
		try {
			scheduler.submit(() -> { }).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// the first reading is late: dead letters written meanwhile may go uncounted
		}
	}

	private void followDeadLettersQuietly() {
		try {
			followDeadLetters();
		}
		catch (RuntimeException ex) {
			// readQuietly reports it
		}
	}

	/** Starts before the task server, so that it sees every dead letter the server writes. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 8192;
	}

	@Override
	public synchronized void stop() {
		this.scheduler.stop();
	}

	@Override
	public boolean isRunning() {
		return this.scheduler.isRunning();
	}

	private void readQuietly() {
		try {
			followDeadLetters();
			this.latest = this.view.read();
			if (this.failing) {
				logger.info("The Redis monitor reads the cluster again");
				this.failing = false;
			}
		}
		catch (RuntimeException ex) {
			if (!this.failing) {
				logger.warn("The Redis monitor cannot read the cluster; the async.task.stream.* and async.task.nodes "
						+ "gauges keep their last values until it can: " + ex);
				this.failing = true;
			}
		}
	}

	/** Tells the listener of the dead letters this node wrote since the last reading. */
	void followDeadLetters() {
		try (RedisConnection connection = this.factory.getConnection()) {
			for (String name : this.taskNames.get()) {
				byte[] key = RedisKeys.bytes(this.keys.dead(name));
				String last = this.lastDeadLetter.get(name);
				if (last == null) {
					List<ByteRecord> newest = connection.streamCommands()
						.xRevRange(key, Range.unbounded(), Limit.limit().count(1));
					this.lastDeadLetter.put(name, (newest == null || newest.isEmpty()) ? "0-0"
							: newest.get(0).getId().getValue());
					continue;
				}
				while (true) {
					List<ByteRecord> records = connection.streamCommands()
						.xRange(key, Range.leftOpen(last, "+"), Limit.limit().count(DEAD_LETTERS_PER_READ));
					if (records == null || records.isEmpty()) {
						break;
					}
					Map<String, Long> kinds = new HashMap<>();
					for (ByteRecord record : records) {
						Map<String, byte[]> fields = Entries.fields(record.getValue());
						if (this.node.equals(Entries.text(fields, RedisDeadLetters.NODE))) {
							kinds.merge(reasonKind(Entries.text(fields, RedisDeadLetters.REASON)), 1L, Long::sum);
						}
					}
					kinds.forEach((kind, count) -> this.listener.deadLettered(name, kind, count));
					last = records.get(records.size() - 1).getId().getValue();
					this.lastDeadLetter.put(name, last);
					if (records.size() < DEAD_LETTERS_PER_READ) {
						break;
					}
				}
			}
		}
	}

	/**
	 * The kind of a dead letter's reason, a bounded tag value: {@code max-deliveries}, {@code malformed},
	 * {@code too-large}, {@code unreadable}, {@code deleted} or {@code other}.
	 */
	public static String reasonKind(@Nullable String reason) {
		if (reason == null) {
			return "other";
		}
		if (reason.startsWith("delivered ")) {
			return "max-deliveries";
		}
		if (reason.startsWith("malformed")) {
			return "malformed";
		}
		if (reason.contains("max-payload-bytes")) {
			return "too-large";
		}
		if (reason.startsWith("payload")) {
			return "unreadable";
		}
		if (reason.equals("deleted")) {
			return "deleted";
		}
		return "other";
	}

}
