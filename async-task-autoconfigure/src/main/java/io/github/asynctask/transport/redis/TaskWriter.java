package io.github.asynctask.transport.redis;

import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.dispatch.Admission;
import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.Task;
import io.github.asynctask.execution.TaskRunner;
import io.github.asynctask.workers.WhenFull;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.RecordId;

/**
 * The outbound side of a node: a dispatched task's payload is encoded on the dispatching thread and its entry
 * written to {@code <prefix>:task:<name>} by the {@link PipelinedWriter}; the task then awaits its reply
 * ({@link AwaitingReplies}). A delayed task's entry goes to its stream's delayed set instead ({@link DelayedEntries}),
 * due at Redis's clock plus what is left of its delay. A cancel deletes the entry if no worker read it yet (a
 * delayed one: if it was not moved to its stream yet), and touches no other task.
 * <p>
 * Threading: {@link #send}, {@link #cancel} and {@link #withdraw} from any thread; {@code send} blocks only to wait
 * for room under {@code when-full: block}.
 */
final class TaskWriter {

	/** {@code SADD} of a keyed task name, as a script so that it travels in the writer's pipeline. */
	private static final byte[] MARK_KEYED = RedisKeys.bytes("return {redis.call('SADD', KEYS[1], ARGV[1])}");

	private static final Log logger = LogFactory.getLog(TaskWriter.class);

	private static final long FIRST_RETRY_MILLIS = 50;

	private static final long MAX_RETRY_MILLIS = 2000;

	private final RedisTransportSettings settings;

	private final RedisConnectionFactory factory;

	private final PipelinedWriter writer;

	private final AwaitingReplies awaiting;

	private final TaskStreams streams;

	private final KeyedStreams keyed;

	private final Completion completion;

	/** The execution chains, whose links write what a task carries to the node that runs it. */
	private final TaskRunner runner;

	private final String node;

	private final String incarnation;

	/** The channel where a dispatch that makes a delayed set's earliest due time earlier says so. */
	private final byte[] channel;

	/** Told of a delayed entry written here that is now the earliest of its set (this node's mover). */
	private final Consumer<TaskStream> earlier;

	TaskWriter(RedisTransportSettings settings, RedisConnectionFactory factory, PipelinedWriter writer,
			AwaitingReplies awaiting, TaskStreams streams, KeyedStreams keyed, TaskRunner runner, String incarnation,
			Consumer<TaskStream> earlier) {
		this.settings = settings;
		this.factory = factory;
		this.writer = writer;
		this.awaiting = awaiting;
		this.streams = streams;
		this.keyed = keyed;
		this.completion = runner.completion();
		this.runner = runner;
		this.node = settings.nodeId();
		this.incarnation = incarnation;
		this.channel = RedisKeys.bytes(DelayedEntries.channel(settings.keyPrefix()));
		this.earlier = earlier;
	}

	/** Takes a dispatched task; see {@link io.github.asynctask.transport.TaskTransport#send}. */
	boolean send(Task task, Admission admission) {
		Object key = task.routing().key();
		String keyText = (key != null) ? KeyedStreams.keyText(key) : null;
		TaskStream stream = (keyText != null) ? this.keyed.streamOf(task.handler(), keyText)
				: this.streams.of(task.handler());
		byte[] payload = stream.codec.payload(task);
		byte[] context = ContextHeaders.write(this.runner.chain(task).writeContext(task));
		int capacity = this.settings.backlogCapacity();
		if (this.writer.backlog() >= capacity
				&& !awaitRoom(task, admission, () -> this.writer.backlog() >= capacity, () -> this.writer.backlog()
						+ " dispatched tasks are waiting to be written to Redis (is it reachable?), the most "
						+ "async-task.queue-capacity (" + capacity + ") allows",
						"Check the Redis connection (spring.data.redis.*), or raise async-task.queue-capacity.")) {
			return false;
		}
		long maxBacklog = this.settings.maxBacklog();
		// a delayed task is not held back by its stream's backlog: it enters the stream when due, whatever it holds
		if (task.dueNanos() == 0 && stream.length() >= maxBacklog
				&& !awaitRoom(task, admission, () -> stream.length() >= maxBacklog, () -> "its stream " + stream
						+ " holds " + stream.length() + " entries not yet done, the most async-task.redis.max-backlog ("
						+ maxBacklog + ") allows",
						"The consuming nodes fall behind: add nodes or workers, or raise async-task.redis.max-backlog.")) {
			return false;
		}
		if (keyText != null && this.keyed.shouldMark(stream.taskName)) {
			this.writer.submit(new MarkKeyed(stream.taskName));
		}
		this.awaiting.add(task);
		AddTask add = new AddTask(task, stream, payload, context, keyText);
		if (task.isHeld()) {
			task.onRelease(add::released);
			if (!task.isHeld()) {
				add.released(); // released before the hook was set; released() runs once
			}
		}
		else {
			this.writer.submit(add);
		}
		return true;
	}

	/**
	 * Applies the when-full policy while {@code full} holds: {@code block} (and {@code caller-runs}, which has no
	 * caller to run on here) waits up to {@code block-timeout}, {@code reject} throws, a try returns {@code false}.
	 */
	private boolean awaitRoom(Task task, Admission admission, BooleanSupplier full, Supplier<String> problem,
			String fix) {
		if (admission == Admission.TRY) {
			return false;
		}
		WhenFull whenFull = this.settings.whenFull();
		if (whenFull != WhenFull.REJECT) {
			long deadline = System.nanoTime() + this.settings.blockTimeout().toNanos();
			while (full.getAsBoolean()) {
				if (System.nanoTime() - deadline >= 0) {
					break;
				}
				LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
			}
			if (!full.getAsBoolean()) {
				return true;
			}
		}
		throw new TaskRejectedException("Task '" + task.taskName() + "' rejected: " + problem.get()
				+ ((whenFull != WhenFull.REJECT) ? ", for longer than async-task.block-timeout ("
						+ this.settings.blockTimeout().toMillis() + "ms)" : "")
				+ ". " + fix);
	}

	/** Writes one dispatched task's entry. */
	private final class AddTask implements PipelinedWriter.Write {

		private final Task task;

		private final TaskStream stream;

		private final byte[] payload;

		private final byte @Nullable [] context;

		private final @Nullable String key;

		private final AtomicBoolean submitted = new AtomicBoolean();

		/** Writes Redis refused because it was not ready (writer thread only). */
		private int retries;

		/** When a delayed task was dispatched (ms), written in its entry: it enters its stream much later. */
		private final long dispatchedMillis;

		AddTask(Task task, TaskStream stream, byte[] payload, byte @Nullable [] context, @Nullable String key) {
			this.task = task;
			this.stream = stream;
			this.payload = payload;
			this.context = context;
			this.key = key;
			this.dispatchedMillis = (task.dueNanos() != 0) ? System.currentTimeMillis() : 0;
		}

		void released() {
			if (this.submitted.compareAndSet(false, true)) {
				if (this.task.isWithdrawn()) {
					TaskWriter.this.awaiting.take(this.task);
					return;
				}
				TaskWriter.this.writer.submit(this);
			}
		}

		@Override
		public int issue(RedisPipeline pipeline) {
			if (this.task.isDecided()) {
				return 0; // cancelled before it was written
			}
			// origin, incarnation and id first: a delayed entry's member is found again by them (DelayedEntries)
			Map<byte[], byte[]> entry = Entries.entry(Entries.ORIGIN, TaskWriter.this.node, Entries.INCARNATION,
					TaskWriter.this.incarnation, Entries.ID, this.task.taskId(), Entries.PAYLOAD, this.payload,
					Entries.CONTEXT, this.context, Entries.KEY, this.key);
			if (this.task.dueNanos() != 0) {
				entry.put(RedisKeys.bytes(DelayedEntries.DISPATCHED), RedisKeys.bytes(Long.toString(this.dispatchedMillis)));
				// what is left of its delay when this round trip began; Redis adds it to its own clock. One instant for
				// every write of the round, so tasks due in one order get due times in that order (a key's order)
				long delayMillis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(this.task.dueNanos()
						- TaskWriter.this.writer.roundNanos() + TimeUnit.MILLISECONDS.toNanos(1) - 1));
				pipeline.eval(DelayedEntries.ADD, new byte[][] { this.stream.delayedKey },
						RedisKeys.bytes(Long.toString(delayMillis)), DelayedEntries.member(entry),
						RedisKeys.bytes(this.stream.taskName), TaskWriter.this.channel);
				return 1;
			}
			pipeline.add(this.stream.keyBytes, entry, 0);
			return 1;
		}

		@Override
		public void done(List<Object> results) {
			if (results.isEmpty()) {
				return; // decided (cancelled) before it was written: nothing was issued
			}
			Object result = results.get(0);
			if (result instanceof Throwable error) {
				if (RedisLoop.notReady(error) && !this.task.isDecided()) {
					// e.g. LOADING after a restart: written once Redis serves again, as after a lost connection
					TaskWriter.this.writer.retry(this,
							Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(this.retries++, 6)));
					return;
				}
				fail(this.task, "could not be written to Redis: " + error);
				return;
			}
			if (this.task.dueNanos() != 0) {
				placedLater(result);
				return;
			}
			String entryId = RedisStreamOps.asText((result instanceof RecordId id) ? id.getValue() : result);
			this.task.place(entryId);
			// with the fence in cancel(): either this sees the cancel, or the cancel sees the entry id (or both)
			VarHandle.fullFence();
			if (this.task.isDecided()) {
				// cancelled while it was being written: take the entry back unless a worker read it already
				deleteUnread(this.stream, entryId);
			}
		}

		/** A delayed entry is in its sorted set: the script told its due time and whether it is the earliest. */
		private void placedLater(Object result) {
			List<?> figures = (result instanceof List<?> list) ? list : List.of();
			if (figures.size() < 2) {
				fail(this.task, "was written to Redis with no due time in the reply (" + result + ")");
				return;
			}
			Due due = new Due(DelayedEntries.number(figures.get(0)));
			this.task.place(due);
			VarHandle.fullFence();
			if (this.task.isDecided()) {
				cancelDelayed(this.stream, this.task, due); // cancelled while it was being written
			}
			else if (DelayedEntries.number(figures.get(1)) != 0) {
				TaskWriter.this.earlier.accept(this.stream); // this node's mover, woken at once
			}
		}

		@Override
		public void abandoned() {
			String reason = "was not written to Redis before the task server stopped";
			if (this.task.dueNanos() != 0 && !this.task.isDecided()
					&& TaskWriter.this.awaiting.get(this.task.taskId()) == null) {
				// a delayed task the stopping node no longer awaits: it never reached Redis, so it ends here
				TaskWriter.this.completion.endUnstarted(this.task, TaskStatus.FAILED, new TaskRejectedException(
						"Task " + this.task.taskId() + " '" + this.task.taskName() + "' " + reason));
				return;
			}
			fail(this.task, reason);
		}

	}

	/**
	 * Adds a task name to the set of keyed task names ({@link KeyedStreams}), so that the consuming nodes lease and
	 * read its partitions; written before its first keyed entry, in the same round trip.
	 */
	private final class MarkKeyed implements PipelinedWriter.Write {

		private final String taskName;

		private int retries;

		MarkKeyed(String taskName) {
			this.taskName = taskName;
		}

		@Override
		public int issue(RedisPipeline pipeline) {
			pipeline.eval(MARK_KEYED, new byte[][] { TaskWriter.this.keyed.markersKey() },
					RedisKeys.bytes(this.taskName));
			return 1;
		}

		@Override
		public void done(List<Object> results) {
			Object result = results.isEmpty() ? null : results.get(0);
			if (result instanceof Throwable error) {
				// its keyed entries wait for it: tried again until Redis takes it or the writer stops
				if (!RedisLoop.notReady(error) && this.retries == 0) {
					logger.warn("Could not add '" + this.taskName + "' to the keyed task names "
							+ RedisKeys.text(TaskWriter.this.keyed.markersKey()) + " (" + error + "): its keyed tasks "
							+ "are not read until it is; trying again");
				}
				TaskWriter.this.writer.retry(this,
						Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(this.retries++, 6)));
				return;
			}
			TaskWriter.this.keyed.activate(this.taskName);
		}

		@Override
		public void abandoned() {
			TaskWriter.this.keyed.markFailed(this.taskName);
		}

	}

	private void deleteUnread(TaskStream stream, String entryId) {
		try (RedisConnection connection = this.factory.getConnection()) {
			RedisStreamOps.cancelUnread(connection, stream.keyBytes, entryId);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete entry " + entryId + " of cancelled task from " + stream + ": " + ex);
		}
	}

	private void fail(Task task, String reason) {
		if (this.awaiting.take(task)) {
			this.completion.endUnstarted(task, TaskStatus.FAILED,
					new TaskRejectedException("Task " + task.taskId() + " '" + task.taskName() + "' " + reason));
		}
	}

	/** Where a delayed task's entry waits: its sorted set, at this due time (ms, Redis's clock). */
	record Due(long millis) {
	}

	/** Takes a delayed entry back from its sorted set, if it was not moved to its stream yet. */
	private boolean cancelDelayed(TaskStream stream, Task task, Due due) {
		try (RedisConnection connection = this.factory.getConnection()) {
			return DelayedEntries.cancel(connection, stream.delayedKey, due.millis(),
					DelayedEntries.head(this.node, this.incarnation, task.taskId()));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not take delayed task " + task.taskId() + " back from " + stream + "'s delayed set: "
					+ ex);
			return false;
		}
	}

	/** See {@link io.github.asynctask.transport.TaskTransport#cancel}. */
	boolean cancel(long taskId) {
		Task task = this.awaiting.get(taskId);
		if (task == null || task.isDecided()) {
			return false;
		}
		Object place = task.place();
		if (place == null) {
			// not written yet: the writer skips a decided task
			if (this.completion.cancel(task, "was cancelled before it started", true)) {
				this.awaiting.take(task);
				VarHandle.fullFence();
				Object written = task.place();
				if (written instanceof Due due) {
					cancelDelayed(streamOf(task), task, due);
				}
				else if (written != null) {
					// the writer wrote it meanwhile and may have checked before the cancel: take the entry back
					deleteUnread(streamOf(task), written.toString());
				}
				return true;
			}
			return false;
		}
		boolean deleted;
		if (place instanceof Due due) {
			// false once moved to its stream: its entry id there is not known here
			deleted = cancelDelayed(streamOf(task), task, due);
		}
		else {
			try (RedisConnection connection = this.factory.getConnection()) {
				deleted = RedisStreamOps.cancelUnread(connection, streamOf(task).keyBytes,
						place.toString());
			}
		}
		if (deleted && this.completion.cancel(task, "was cancelled before it started", true)) {
			this.awaiting.take(task);
			return true;
		}
		return false;
	}

	/** The stream a task's entry goes to: its task name's, or for a keyed task its key's partition stream. */
	private TaskStream streamOf(Task task) {
		return this.keyed.streamOf(task, this.streams);
	}

	/** See {@link io.github.asynctask.transport.TaskTransport#withdraw}. */
	void withdraw(Task task) {
		if (task.tryWithdraw()) {
			this.awaiting.take(task);
		}
	}

}
