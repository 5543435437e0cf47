package io.github.asynctask.transport.redis;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * One thread of the transport: it runs a {@link Step} over and over on a long-lived connection of its own, from the
 * application's {@link RedisConnectionFactory}, until it is stopped. A step that throws never ends the thread: the
 * loop waits a growing back-off (50ms doubling to 2s) and goes on, logging once per outage (WARN) and once on
 * recovery (INFO). It tells the two kinds of failure apart: a lost connection (closed and opened again) and a
 * command Redis refused (an error reply: the connection is kept).
 * <p>
 * Threading: {@link #start}, {@link #stop}, {@link #await} and {@link #wake} from any thread; the step runs on the
 * loop's thread only.
 */
final class RedisLoop implements Runnable {

	/** How a Redis error reply starts: an upper-case code, e.g. {@code ERR}, {@code WRONGTYPE}, {@code NOGROUP}. */
	private static final Pattern ERROR_REPLY = Pattern.compile("[A-Z]{2,}( |$)");

	/** The error replies of a Redis that cannot serve commands yet (see {@link #notReady}). */
	private static final Pattern NOT_READY = Pattern.compile("(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN) ");

	private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);

	/** What the loop runs. */
	interface Step {

		/** One round; may block (e.g. a blocking read), should return within a second or so when stopping. */
		void run(RedisConnection connection);

		/**
		 * Whether to run another round.
		 * @param stopping whether {@link RedisLoop#stop} was called
		 */
		default boolean goOn(boolean stopping) {
			return !stopping;
		}

		/** The loop ended (on its thread, after its connection was closed). */
		default void ended() {
		}

	}

	private final RedisConnectionFactory factory;

	private final String owner;

	private final Log logger;

	private final Step step;

	private final Thread thread;

	private volatile boolean stopping;

	private @Nullable RedisConnection connection;

	private long backoffNanos;

	private int failures;

	private volatile boolean failing;

	/**
	 * @param owner what the loop is, for the log: e.g. "Redis reader of node web-1"
	 * @param daemon whether the thread is a daemon
	 */
	RedisLoop(RedisConnectionFactory factory, String threadName, String owner, Log logger, boolean daemon, Step step) {
		this.factory = factory;
		this.owner = owner;
		this.logger = logger;
		this.step = step;
		this.thread = new Thread(this, threadName);
		this.thread.setDaemon(daemon);
	}

	void start() {
		this.thread.start();
	}

	/** Asks the loop to end; its step decides when ({@link Step#goOn}). */
	void stop() {
		this.stopping = true;
		LockSupport.unpark(this.thread);
	}

	boolean stopping() {
		return this.stopping;
	}

	/** Whether its last round failed (Redis unreachable or refusing). */
	boolean failing() {
		return this.failing;
	}

	/** Waits for the thread to end. */
	boolean await(long millis) {
		if (Thread.currentThread() == this.thread || !this.thread.isAlive()) {
			return true;
		}
		try {
			this.thread.join(Math.max(1, millis));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return !this.thread.isAlive();
	}

	/** Wakes the thread if it is parked (in the step, or in its back-off). */
	void wake() {
		LockSupport.unpark(this.thread);
	}

	Thread thread() {
		return this.thread;
	}

	@Override
	public void run() {
		while (this.step.goOn(this.stopping)) {
			try {
				this.step.run(connection());
				succeeded();
			}
			catch (Throwable ex) {
				failed(ex);
			}
		}
		close();
		this.step.ended();
	}

	private RedisConnection connection() {
		RedisConnection connection = this.connection;
		if (connection == null || connection.isClosed()) {
			// the factory's pipelining flush policy stays as the application set it: with Lettuce, a policy that
			// buffers commands (flush on close) leaves a pipeline hanging until the command timeout when the
			// connection is dropped mid-pipeline (the re-connected connection does not flush what it re-queued)
			connection = this.factory.getConnection();
			this.connection = connection;
		}
		return connection;
	}

	private void succeeded() {
		if (this.failures > 0) {
			this.logger.info("The " + this.owner + " works again after " + this.failures + " failed attempt"
					+ ((this.failures == 1) ? "" : "s"));
			this.failures = 0;
			this.failing = false;
		}
		this.backoffNanos = 0;
	}

	private void failed(Throwable error) {
		boolean refused = refused(error);
		if (!refused) {
			close();
		}
		if (this.stopping) {
			return;
		}
		this.failing = true;
		if (this.failures++ == 0) {
			if (refused) {
				this.logger.warn("Redis refused a command of the " + this.owner + " (" + describe(error)
						+ "); retrying with back-off", error);
			}
			else {
				this.logger.warn("The " + this.owner + " lost its Redis connection (" + describe(error)
						+ "); reconnecting with back-off", error);
			}
		}
		else if (this.logger.isDebugEnabled()) {
			this.logger.debug("The " + this.owner + " still fails: " + describe(error));
		}
		this.backoffNanos = (this.backoffNanos == 0) ? MIN_BACKOFF_NANOS
				: Math.min(MAX_BACKOFF_NANOS, this.backoffNanos * 2);
		LockSupport.parkNanos(this, this.backoffNanos);
	}

	private void close() {
		RedisConnection connection = this.connection;
		this.connection = null;
		if (connection != null) {
			try {
				connection.close();
			}
			catch (RuntimeException ex) {
				// already broken
			}
		}
	}

	/**
	 * Whether an error is Redis saying it cannot serve commands yet, though it will soon by itself: still loading its
	 * data after a restart ({@code LOADING}), running a long script ({@code BUSY}), a replica without its master
	 * ({@code MASTERDOWN}), a cluster that is re-forming ({@code CLUSTERDOWN}, {@code TRYAGAIN}). A write refused so
	 * is retried, like one whose connection broke, rather than failed.
	 */
	static boolean notReady(Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			String message = t.getMessage();
			if (message != null && NOT_READY.matcher(message).lookingAt()) {
				return true;
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return false;
	}

	/** An error and its root cause's message, e.g. Redis's own error reply ({@code WRONGTYPE ...}). */
	static String describe(Throwable error) {
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root == error) ? String.valueOf(error) : error.getClass().getSimpleName() + ": " + root.getMessage();
	}

	/**
	 * Whether an error is a command Redis refused (an error reply such as {@code NOGROUP}, {@code WRONGTYPE},
	 * {@code OOM}, {@code CROSSSLOT}), as opposed to a connection that failed or timed out.
	 */
	static boolean refused(Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			// by name, superclasses included (Lettuce's RedisLoadingException, RedisBusyException extend it)
			for (Class<?> type = t.getClass(); type != null; type = type.getSuperclass()) {
				if (type.getName().endsWith("RedisCommandExecutionException")
						|| type.getName().endsWith("JedisDataException")) {
					return true;
				}
			}
			// a pipelined command's error reply comes as this, with Redis's message ("WRONGTYPE Operation ...")
			if (t instanceof InvalidDataAccessApiUsageException && t.getMessage() != null
					&& ERROR_REPLY.matcher(t.getMessage()).lookingAt()) {
				return true;
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return false;
	}

}
