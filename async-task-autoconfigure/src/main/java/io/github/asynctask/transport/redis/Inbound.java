package io.github.asynctask.transport.redis;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.dispatch.Routing;
import io.github.asynctask.execution.Task;
import io.github.asynctask.execution.TaskRunner;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Turns each entry this node now holds (read, re-read or taken over) into a task for its workers, whose callback
 * writes the reply; an entry delivered more than {@code max-deliveries} times, or one that cannot be decoded, is
 * dead-lettered instead. Whatever it takes ends in a reply, a hand-back or a dead letter.
 * <p>
 * Threading: called by the reader and the lease keeper.
 */
final class Inbound {

	private static final Log logger = LogFactory.getLog(Inbound.class);

	private final HeldEntries held;

	private final ReplyWriter replies;

	private final Workers workers;

	/** Tasks whose workers had no room when they were taken; offered again at each lease round. */
	private final ConcurrentLinkedQueue<Task> waitingForRoom = new ConcurrentLinkedQueue<>();

	private final int maxDeliveries;

	/** The execution chains, whose links read what a task carries from its origin. */
	private final TaskRunner runner;

	/** This node's workers, as the inbound side sees them. */
	interface Workers {

		/**
		 * Hands a task to the workers.
		 * @param mayWait whether the calling thread may wait for room (a reader may; the lease keeper never does)
		 * @return {@code false} if there was no room now
		 * @throws io.github.asynctask.TaskRejectedException if the when-full policy refused it
		 */
		boolean offer(Task task, boolean mayWait);

	}

	Inbound(HeldEntries held, ReplyWriter replies, Workers workers, int maxDeliveries, TaskRunner runner) {
		this.held = held;
		this.replies = replies;
		this.workers = workers;
		this.maxDeliveries = maxDeliveries;
		this.runner = runner;
	}

	/**
	 * Takes an entry, unless it is held already (a read raced with a takeover). A task the workers have no room for
	 * stays held (its lease renewed, no delivery counted) and is offered again at each lease round.
	 * @param deliveries how often Redis delivered it, this time included
	 * @param mayWait whether the calling thread may wait for room in the workers' queues
	 */
	void take(TaskStream stream, String id, Map<String, byte[]> fields, long deliveries, boolean mayWait) {
		if (!this.held.hold(stream, id)) {
			return;
		}
		try {
			start(stream, id, fields, deliveries, mayWait);
		}
		catch (Throwable ex) {
			logger.error("Handing over entry " + id + " of " + stream + " failed; it stays pending and is retried "
					+ "after async-task.redis.claim-idle", ex);
			this.held.released(stream, id);
		}
	}

	/** Dead-letters an entry that no longer exists (deleted while pending), unless it is held already. */
	void deleted(TaskStream stream, String id, long deliveries) {
		if (this.held.hold(stream, id)) {
			this.replies.deadLetter(stream, id, null, "deleted", deliveries);
		}
	}

	private void start(TaskStream stream, String id, Map<String, byte[]> fields, long deliveries, boolean mayWait) {
		Task task = task(stream, id, fields, deliveries);
		if (task != null) {
			offer(task, mayWait);
		}
	}

	/**
	 * The task of an entry this node holds, or {@code null} if the entry went to the dead-letter stream instead
	 * (delivered too often, malformed, or its payload cannot be decoded).
	 */
	@Nullable Task task(TaskStream stream, String id, Map<String, byte[]> fields, long deliveries) {
		if (deliveries > this.maxDeliveries) {
			this.replies.deadLetter(stream, id, fields, "delivered " + deliveries + " times, more than "
					+ "async-task.redis.max-deliveries=" + this.maxDeliveries, deliveries);
			return null;
		}
		byte[] payloadJson = fields.get(Entries.PAYLOAD);
		String origin;
		long originId;
		Object payload;
		Map<String, String> context;
		try {
			origin = Entries.required(fields, Entries.ORIGIN);
			originId = Entries.number(fields, Entries.ID);
			if (payloadJson == null) {
				throw new IllegalArgumentException("field 'p' (the payload) is missing");
			}
			context = ContextHeaders.read(fields);
		}
		catch (IllegalArgumentException ex) {
			this.replies.deadLetter(stream, id, fields, "malformed entry: " + ex.getMessage(), deliveries);
			return null;
		}
		try {
			payload = stream.codec.readPayload(payloadJson);
		}
		catch (TaskCodec.Undecodable ex) {
			this.replies.deadLetter(stream, id, fields, ex.getMessage(), deliveries);
			return null;
		}
		long before = Entries.number(fields, Entries.DELIVERED_BEFORE, 0);
		ReplyWriter.Reply reply = this.replies.reply(stream, id, fields, payloadJson, origin, originId,
				deliveries + before);
		// a delayed entry tells its dispatch and due times (Redis's clock); its queue wait counts from the due time
		byte[] dispatched = fields.get(DelayedEntries.DISPATCHED);
		Task task = new Task(originId, stream.handler, payload, reply, Routing.any(), false,
				dispatchNanos((dispatched != null) ? RedisKeys.text(dispatched) : id));
		byte[] due = fields.get(DelayedEntries.DUE);
		if (due != null) {
			task.due(dispatchNanos(RedisKeys.text(due)));
		}
		task.originNode(origin);
		if (context != null) {
			this.runner.chain(task).readContext(task, context);
		}
		task.recordRemoteRun(-1, (int) Math.max(0, deliveries + before - 1), 0);
		return task;
	}

	private void offer(Task task, boolean mayWait) {
		boolean taken;
		try {
			taken = this.workers.offer(task, mayWait);
		}
		catch (TaskRejectedException ex) {
			taken = false;
		}
		if (!taken) {
			this.waitingForRoom.add(task);
		}
	}

	/** Offers the tasks that found no room again, without waiting (the lease keeper, each round). */
	void offerWaiting() {
		for (int n = this.waitingForRoom.size(); n > 0; n--) {
			Task task = this.waitingForRoom.poll();
			if (task == null) {
				return;
			}
			offer(task, false);
		}
	}

	/** Tasks that found no room in the workers' queues yet. */
	List<Task> waitingForRoom() {
		return List.copyOf(this.waitingForRoom);
	}

	/**
	 * The dispatch time of an entry on this node's {@link System#nanoTime()} clock, from its id (the Redis server's
	 * clock, in milliseconds, when it was written), so that {@link TaskContext#dispatchedAt()} tells when it was
	 * dispatched rather than when it was read.
	 */
	static long dispatchNanos(@Nullable String entryId) {
		long now = System.nanoTime();
		if (entryId == null) {
			return now;
		}
		try {
			int dash = entryId.indexOf('-');
			long written = Long.parseLong((dash > 0) ? entryId.substring(0, dash) : entryId);
			long ago = Math.max(0, System.currentTimeMillis() - written);
			return now - TimeUnit.MILLISECONDS.toNanos(ago);
		}
		catch (NumberFormatException ex) {
			return now;
		}
	}

}
