package io.github.asynctask.transport.redis;

import java.util.List;
import java.util.Map;

import io.github.asynctask.TaskStatus;
import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.Task;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;

/**
 * The reply reader of the origin: one thread that reads {@code <prefix>:reply:<node-id>} from where it stood at start
 * and decides each awaiting task's outcome; the delivery (callbacks, futures, waits, {@code @OnFinish}) happens on
 * this node's task workers, so a slow listener delays no other outcome and a listener may itself dispatch and wait.
 * A malformed reply ends its task {@code FAILED}, saying so. A reply to an earlier run of a node with this
 * id (another incarnation), or to a task no longer awaited (a duplicate, a cancelled task), is ignored.
 * <p>
 * Threading: {@link #start} and {@link #stop} by the transport's lifecycle.
 */
final class ReplyReader implements RedisLoop.Step {

	private static final Log logger = LogFactory.getLog(ReplyReader.class);

	private final byte[] replyKey;

	private final String replyKeyText;

	private final String incarnation;

	private final AwaitingReplies awaiting;

	private final TaskStreams streams;

	private final Completion completion;

	private final Workers workers;

	private final int count;

	private final RedisLoop loop;

	private String last;

	/** The id of the last reply handled (for {@link ReplyExpiry}: every reply up to it has been seen). */
	private volatile String readUpTo;

	ReplyReader(RedisConnectionFactory factory, String node, RedisKeys keys, String incarnation, String startId,
			AwaitingReplies awaiting, TaskStreams streams, Completion completion, Workers workers, int batchSize) {
		this.replyKeyText = keys.reply(node);
		this.replyKey = RedisKeys.bytes(this.replyKeyText);
		this.incarnation = incarnation;
		this.last = startId;
		this.readUpTo = startId;
		this.awaiting = awaiting;
		this.streams = streams;
		this.completion = completion;
		this.workers = workers;
		this.count = Math.max(64, batchSize * 4);
		this.loop = new RedisLoop(factory, "async-task-redis-replies", "Redis reply reader of node " + node, logger,
				true, this);
	}

	void start() {
		this.loop.start();
	}

	/** The id of the last reply handled: every reply up to it has been seen. */
	String readUpTo() {
		return this.readUpTo;
	}

	void stop() {
		this.loop.stop();
		this.loop.await(StreamReader.BLOCK.toMillis() * 10 + 2000);
	}

	@Override
	public void run(RedisConnection connection) {
		List<ByteRecord> records = connection.streamCommands().xRead(
				StreamReadOptions.empty().count(this.count).block(StreamReader.BLOCK),
				StreamOffset.create(this.replyKey, ReadOffset.from(this.last)));
		if (records == null) {
			return;
		}
		for (ByteRecord record : records) {
			this.last = record.getId().getValue();
			try {
				reply(Entries.fields(record.getValue()));
			}
			catch (Throwable ex) {
				logger.error("A reply on " + this.replyKeyText + " could not be handled: " + ex, ex);
			}
		}
		this.readUpTo = this.last;
	}

	private void reply(Map<String, byte[]> fields) {
		if (!this.incarnation.equals(Entries.text(fields, Entries.INCARNATION))) {
			return; // a reply to an earlier run of a node with this id
		}
		long id;
		try {
			id = Entries.number(fields, Entries.ID);
		}
		catch (IllegalArgumentException ex) {
			logger.error("A reply on " + this.replyKeyText + " names no task (" + ex.getMessage() + "); it is ignored");
			return;
		}
		Task task = this.awaiting.take(id);
		if (task == null) {
			return; // a duplicate (the task ran twice) or a cancelled task
		}
		TaskStatus status;
		Object value;
		try {
			TaskCodec.Outcome outcome = this.streams.of(task.handler()).codec.outcome(fields, task);
			task.recordRemoteRun((int) Entries.number(fields, Entries.WORKER, -1),
					(int) Entries.number(fields, Entries.ATTEMPTS, 1), Entries.number(fields, Entries.RUN_NANOS, 0));
			status = outcome.status();
			value = outcome.value();
		}
		catch (RuntimeException ex) {
			// a malformed reply still ends its task: its dispatcher hears why instead of waiting forever
			status = TaskStatus.FAILED;
			value = new IllegalStateException("The reply to task " + id + " '" + task.taskName() + "' on "
					+ this.replyKeyText + " is malformed (" + ex.getMessage() + "): the outcome of its run is unknown",
					ex);
		}
		end(task, status, value, this.completion, this.workers);
	}

	/**
	 * Ends an awaited task with the outcome decided elsewhere and has its callbacks and {@code @OnFinish} listeners
	 * run on this node's task workers, never on the calling thread: a worker that reaches the decided task delivers
	 * its outcome. An outcome that comes too late (the task ended meanwhile, e.g. its wait timed out) is counted
	 * dropped.
	 */
	static void end(Task task, TaskStatus status, @Nullable Object value, Completion completion, Workers workers) {
		if (!task.tryEndUnstarted(status, value, true)) {
			completion.resultDropped(task.handler());
			return;
		}
		completion.events().finished(task);
		boolean queued;
		try {
			queued = workers.deliverOn(task);
		}
		catch (RuntimeException ex) {
			queued = false;
		}
		if (!queued) {
			completion.deliverDeferred(task); // no room (or stopping): delivered here rather than lost
		}
	}

	/** This node's workers, where the outcomes are delivered. */
	interface Workers {

		/**
		 * Queues a decided task for a worker, which delivers its outcome when it reaches it; never waits.
		 * @return {@code false} if there was no room
		 */
		boolean deliverOn(Task task);

	}

}
