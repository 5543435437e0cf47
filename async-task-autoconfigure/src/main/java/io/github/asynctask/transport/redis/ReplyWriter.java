package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.execution.Task;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;


/**
 * Ends the entries a consuming node holds: with the reply of the task that ran (to the origin's reply stream), with
 * a hand-back (the entry written again to its task stream, for another node), or with a dead letter. Each goes
 * through the {@link PipelinedWriter}, and its entry is acknowledged only after that write succeeded; a write Redis
 * refuses (out of memory, a reply key of the wrong type) is retried with back-off while the entry stays pending and
 * its lease is renewed, so nothing is lost and nothing is reported twice.
 * <p>
 * Threading: {@link Reply#onFinish} on the worker that decided the task; everything else on the writer's thread.
 */
final class ReplyWriter {

	private static final Log logger = LogFactory.getLog(ReplyWriter.class);

	/** The error class a dead-lettered task's dispatcher sees. */
	static final String DEAD_LETTERED = "io.github.asynctask.transport.redis.DeadLettered";

	private static final long FIRST_RETRY_MILLIS = 100;

	private static final long MAX_RETRY_MILLIS = 5000;

	private final PipelinedWriter writer;

	private final HeldEntries held;

	private final RedisKeys keys;

	private final String node;

	private final HandBack handBack;

	/** Set once the node's stop reached its {@code shutdown-timeout}: a task that fails now was interrupted. */
	private volatile boolean interrupting;

	/** Reply stream keys by origin node. */
	private final ConcurrentHashMap<String, byte[]> replyKeys = new ConcurrentHashMap<>();

	ReplyWriter(PipelinedWriter writer, HeldEntries held, RedisKeys keys, String node, HandBack handBack) {
		this.writer = writer;
		this.handBack = handBack;
		this.held = held;
		this.keys = keys;
		this.node = node;
	}

	/**
	 * The node's stop reached its {@code shutdown-timeout}: from now on a task that ends other than
	 * {@code SUCCEEDED} was interrupted (or cancelled) by the stop, and is handed back rather than answered.
	 */
	void interrupting() {
		this.interrupting = true;
	}

	/** Entries handed back so far (at a stop). */
	int handedBack() {
		return this.handBack.handedBack();
	}

	/** The callback of a task made from an entry: it writes the outcome back when the task ends here. */
	Reply reply(TaskStream stream, String id, Map<String, byte[]> fields, byte[] payloadJson, String origin,
			long originId, long deliveries) {
		return new Reply(stream, id, fields, payloadJson, origin, originId, deliveries);
	}

	/** Dead-letters an entry this node holds, and tells its dispatcher {@code FAILED}. */
	void deadLetter(TaskStream stream, String id, @Nullable Map<String, byte[]> fields, String reason,
			long deliveries) {
		logger.warn("Entry " + id + " of " + stream + " goes to the dead-letter stream " + this.keys.dead(stream.taskName)
				+ ": " + reason);
		this.writer.submit(new DeadLetter(stream, id, fields, reason, deliveries));
	}

	private byte[] replyKey(String origin) {
		byte[] key = this.replyKeys.get(origin);
		if (key == null) {
			key = RedisKeys.bytes(this.keys.reply(origin));
			if (this.replyKeys.size() < 10_000) {
				this.replyKeys.put(origin, key);
			}
		}
		return key;
	}

	/** The base of the writes that end a held entry: acknowledge after success, retry after a refusal. */
	private abstract class EndingWrite implements PipelinedWriter.Write {

		final TaskStream stream;

		final String id;

		private long retryMillis;

		EndingWrite(TaskStream stream, String id) {
			this.stream = stream;
			this.id = id;
		}

		abstract String what();

		/** The id of the task's first entry if this one is a hand-back's copy, else {@code null}. */
		abstract @Nullable String first();

		/** Its commands succeeded (those that failed are issued again on a retry). */
		abstract boolean written(List<Object> results);

		@Override
		public final void done(List<Object> results) {
			if (written(results)) {
				if (this.retryMillis > 0) {
					logger.info("The " + what() + " of entry " + this.id + " of " + this.stream
							+ " is written after all; the entry is acknowledged");
				}
				String first = first();
				if (first != null && !first.equals(this.id)) {
					// the first entry, kept (acknowledged) since its hand-back, goes with the last
					ReplyWriter.this.writer.acknowledge(this.stream, first, () -> {
					});
				}
				ReplyWriter.this.writer.acknowledge(this.stream, this.id,
						() -> ReplyWriter.this.held.released(this.stream, this.id));
				return;
			}
			Throwable error = PipelinedWriter.error(results);
			if (this.retryMillis == 0) {
				logger.warn("Redis refused the " + what() + " of entry " + this.id + " of " + this.stream + " ("
						+ ((error != null) ? RedisLoop.describe(error) : "no result") + "); the entry stays pending (its lease renewed) and the write is retried");
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("The " + what() + " of entry " + this.id + " of " + this.stream + " still fails: "
						+ ((error != null) ? RedisLoop.describe(error) : "no result"));
			}
			this.retryMillis = (this.retryMillis == 0) ? FIRST_RETRY_MILLIS
					: Math.min(MAX_RETRY_MILLIS, this.retryMillis * 2);
			ReplyWriter.this.writer.retry(this, this.retryMillis);
		}

		@Override
		public final void abandoned() {
			logger.warn("The " + what() + " of entry " + this.id + " of " + this.stream + " was not written before "
					+ "the node stopped; the entry stays pending and runs again after async-task.redis.claim-idle");
			ReplyWriter.this.held.released(this.stream, this.id);
		}

	}

	/**
	 * The callback of a task read from Redis: writes its outcome to the origin's reply stream; a task the node's stop
	 * took back (cancelled while queued or waiting to retry, or interrupted at {@code shutdown-timeout}) is handed
	 * back instead, for another node to run.
	 */
	final class Reply extends EndingWrite implements TaskCallback<Object> {

		private final Map<String, byte[]> fields;

		private final byte[] payloadJson;

		private final String origin;

		private final long originId;

		private final long deliveries;

		private volatile @Nullable Map<byte[], byte[]> reply;

		Reply(TaskStream stream, String id, Map<String, byte[]> fields, byte[] payloadJson, String origin,
				long originId, long deliveries) {
			super(stream, id);
			this.fields = fields;
			this.payloadJson = payloadJson;
			this.origin = origin;
			this.originId = originId;
			this.deliveries = deliveries;
		}

		@Override
		public void onFinish(TaskResult<Object> result) {
			Task task = (Task) result;
			if (task.startNanos() != 0) {
				ReplyWriter.this.held.ran(Math.max(0, task.endNanos() - task.startNanos()));
			}
			ReplyWriter.this.held.finished(this.stream, this.id);
			// on a node that runs entries, only its stop cancels a task
			if (result.status() == TaskStatus.CANCELLED
					|| (ReplyWriter.this.interrupting && result.status() != TaskStatus.SUCCEEDED)) {
				if (this.stream.fence != null) {
					// a keyed entry is never written again at its stream's end, behind later tasks of its key: it
					// stays pending, in order, for the partition's next owner
					ReplyWriter.this.held.released(this.stream, this.id);
					this.stream.fence.leftPending(this.id);
					return;
				}
				// the attempts made so far (counted from the deliveries before), or, for a task that never started
				// here, the one it would have been
				long attempts = Math.max(this.deliveries, task.attempts());
				ReplyWriter.this.handBack.handBack(this.stream, this.id, this.fields, attempts);
				ReplyWriter.this.held.released(this.stream, this.id);
				return;
			}
			this.reply = this.stream.codec.reply(task, Entries.text(this.fields, Entries.INCARNATION),
					this.originId, this.payloadJson, ReplyWriter.this.node);
			ReplyWriter.this.writer.submit(this);
		}

		@Override
		String what() {
			return "reply to node " + this.origin;
		}

		@Override
		@Nullable String first() {
			return Entries.text(this.fields, Entries.FIRST);
		}

		@Override
		public int issue(RedisPipeline pipeline) {
			pipeline.add(replyKey(this.origin), this.reply, RedisStreamOps.REPLY_MAXLEN);
			return 1;
		}

		@Override
		boolean written(List<Object> results) {
			return PipelinedWriter.error(results) == null;
		}

	}

	/** A dead letter, and the {@code FAILED} reply to its dispatcher. */
	private final class DeadLetter extends EndingWrite {

		private final @Nullable Map<String, byte[]> fields;

		private final String reason;

		private final long deliveries;

		private boolean deadWritten;

		private boolean replyWritten;

		private int issued;

		DeadLetter(TaskStream stream, String id, @Nullable Map<String, byte[]> fields, String reason,
				long deliveries) {
			super(stream, id);
			this.fields = fields;
			this.reason = reason;
			this.deliveries = deliveries;
		}

		@Override
		String what() {
			return "dead letter";
		}

		@Override
		@Nullable String first() {
			return (this.fields != null) ? Entries.text(this.fields, Entries.FIRST) : null;
		}

		@Override
		public int issue(RedisPipeline pipeline) {
			this.issued = 0;
			if (!this.deadWritten) {
				List<Object> dead = new ArrayList<>();
				if (this.fields != null) {
					this.fields.forEach((name, value) -> {
						dead.add(name);
						dead.add(value);
					});
				}
				dead.addAll(List.of("reason", this.reason, "id", this.id, "deliveries", this.deliveries, "node",
						ReplyWriter.this.node));
				pipeline.add(this.stream.deadKey, Entries.entry(dead.toArray()), RedisStreamOps.DEAD_MAXLEN);
				this.issued |= 1;
			}
			String origin = (this.fields != null) ? Entries.text(this.fields, Entries.ORIGIN) : null;
			String originId = (this.fields != null) ? Entries.text(this.fields, Entries.ID) : null;
			if (origin == null || originId == null) {
				this.replyWritten = true;
			}
			if (!this.replyWritten) {
				pipeline.add(replyKey(origin), Entries.entry(Entries.INCARNATION,
						Entries.text(this.fields, Entries.INCARNATION), Entries.ID, originId, Entries.STATUS,
						TaskStatus.FAILED.name(), Entries.ERROR_CLASS, DEAD_LETTERED, Entries.ERROR_MESSAGE,
						"dead-lettered to " + ReplyWriter.this.keys.dead(this.stream.taskName) + ": " + this.reason,
						Entries.ATTEMPTS, this.deliveries, Entries.RAN_ON, ReplyWriter.this.node),
						RedisStreamOps.REPLY_MAXLEN);
				this.issued |= 2;
			}
			return Integer.bitCount(this.issued);
		}

		@Override
		boolean written(List<Object> results) {
			int next = 0;
			if ((this.issued & 1) != 0) {
				this.deadWritten = next < results.size() && !(results.get(next) instanceof Throwable);
				next++;
			}
			if ((this.issued & 2) != 0) {
				this.replyWritten = next < results.size() && !(results.get(next) instanceof Throwable);
			}
			return this.deadWritten && this.replyWritten;
		}

	}

}
