package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.dispatch.Admission;
import io.github.asynctask.dispatch.Routing;
import io.github.asynctask.execution.Task;
import io.github.asynctask.execution.TaskRunner;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.transport.TaskTransport;
import io.github.asynctask.workers.WorkerPool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The Redis Streams transport ({@code async-task.transport=redis}): the same tasks, handlers and listeners across any
 * number of nodes. It composes, at each start, parts of one concern each:
 * <ul>
 * <li>{@link TaskWriter}: dispatched tasks' entries, written through the {@link PipelinedWriter}; cancel;
 * backpressure from the stream lengths {@link StreamBacklogs} keeps.</li>
 * <li>{@link ReplyReader}: the origin's reply stream, deciding the outcome of each task in
 * {@link AwaitingReplies}.</li>
 * <li>{@link DelayedMover}: delayed tasks wait in Redis ({@link DelayedEntries}), and consuming nodes move them to
 * their streams when due.</li>
 * <li>On consuming nodes: the {@link StreamReader} reads entries into the room {@link HeldEntries} leave, the
 * {@link Inbound} turns each into a task for this node's workers, whose callback, the {@link ReplyWriter}, writes
 * its reply and then acknowledges the entry; {@link Leases} keep held entries leased and take over those of dead
 * nodes.</li>
 * </ul>
 * Delivery is at least once: an entry whose node died is taken over after {@code claim-idle} and runs again
 * ({@link TaskContext#attempt()} tells); one delivered more than {@code max-deliveries} times is dead-lettered and
 * its dispatcher gets {@code FAILED}.
 * <p>
 * Threading: {@link #send} and {@link #cancel} from any thread; the lifecycle methods from the server, one at a time.
 */
public final class RedisTransport implements TaskTransport {

	private static final Log logger = LogFactory.getLog(RedisTransport.class);

	private final RedisTransportSettings settings;

	private final RedisConnectionFactory factory;

	private final JsonCodec codec;

	private final TaskHandlerRegistry registry;

	private final TaskRunner runner;

	/** This node's worker pool, built once from the real settings: runs what this node reads. */
	private final WorkerPool local;

	private final RedisKeys keys;

	private final AwaitingReplies awaiting = new AwaitingReplies();

	private volatile @Nullable Parts parts;

	private volatile boolean running;

	private volatile List<String> unknownStreams = List.of();

	public RedisTransport(RedisTransportSettings settings, RedisConnectionFactory factory, JsonCodec codec,
			TaskHandlerRegistry registry, TaskRunner runner, WorkerPool local) {
		this.settings = settings;
		this.factory = factory;
		this.codec = codec;
		this.registry = registry;
		this.runner = runner;
		this.local = local;
		this.keys = new RedisKeys(settings.keyPrefix());
	}

	@Override
	public String name() {
		return "redis";
	}

	public RedisTransportSettings settings() {
		return this.settings;
	}

	/** What one run (start to stop) of the transport is made of. */
	private record Parts(TaskStreams streams, NodeHeartbeat heartbeat, PipelinedWriter writer, TaskWriter tasks,
			StreamBacklogs backlogs, DelayedMover mover,
			ReplyReader replies, NodeCleanup cleanup,
			@Nullable HeldEntries held, @Nullable ReplyWriter answers, @Nullable Inbound inbound,
			List<StreamReader> readers,
			@Nullable Leases leases, @Nullable KeyedConsumer keyed, @Nullable PartitionLeases partitionLeases) {
	}

	// Dispatch (outbound)

	@Override
	public boolean send(Task task, Admission admission) {
		validate(task.routing());
		Parts parts = this.parts;
		if (parts == null || !this.running) {
			throw new TaskRejectedException("Task '" + task.taskName() + "' rejected: the task server is stopped "
					+ "and accepts no new tasks.");
		}
		return parts.tasks.send(task, admission);
	}

	/** Delayed tasks live in Redis, in a sorted set per task stream, moved to it when due ({@link DelayedMover}). */
	@Override
	public boolean keepsDelayed() {
		return true;
	}

	/** Delayed tasks waiting in Redis for this application's task names (every node's), as read within a second. */
	@Override
	public long scheduled() {
		Parts parts = this.parts;
		return (parts != null) ? parts.mover.scheduled() : 0;
	}

	@Override
	public boolean cancel(long taskId) {
		Parts parts = this.parts;
		return parts != null && parts.tasks.cancel(taskId);
	}

	@Override
	public void withdraw(Task task) {
		if (task.tryWithdraw()) {
			this.awaiting.take(task);
		}
	}

	@Override
	public void validate(Routing routing) {
		if (routing.workerId() >= 0) {
			throw new IllegalArgumentException("onWorker(" + routing.workerId() + ") has no meaning in redis mode "
					+ "(async-task.transport=redis): a task runs on whichever node reads it, not on a worker of "
					+ "this node. Dispatch without onWorker, or use async-task.transport=local.");
		}
	}

	// Lifecycle

	@Override
	public void start() {
		String node = this.settings.nodeId();
		TaskStreams streams = new TaskStreams(this.registry.handlers(), this.keys, this.codec,
				this.settings.maxPayloadBytes());
		KeyedStreams keyedStreams = new KeyedStreams(streams, this.keys, this.settings.partitions());
		String incarnation = Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L);
		String replyStart;
		List<String> consumed = this.settings.consume() ? streams.all().stream().map((s) -> s.taskName).toList()
				: List.of();
		NodeHeartbeat heartbeat = new NodeHeartbeat(this.factory, this.keys, node, incarnation,
				this.settings.claimIdle(), new NodeHeartbeat.Figures() {

					@Override
					public int workers() {
						return RedisTransport.this.local.taskWorkerNum();
					}

					@Override
					public int running() {
						return RedisTransport.this.local.running();
					}

					@Override
					public List<String> consuming() {
						return consumed;
					}

				});
		try (RedisConnection connection = this.factory.getConnection()) {
			keyedStreams.recordCounts(connection, streams.all().stream().map((stream) -> stream.taskName).toList());
			heartbeat.claim(connection);
			replyStart = RedisStreamOps.lastId(connection, RedisKeys.bytes(this.keys.reply(node)));
			reportUnknownStreams(connection, streams);
			if (this.settings.consume()) {
				// before the context is ready, so every entry is delivered, including ones written before
				for (TaskStream stream : streams.all()) {
					if (RedisStreamOps.createGroup(connection, stream.keyBytes) && logger.isDebugEnabled()) {
						logger.debug("Created consumer group '" + RedisKeys.GROUP + "' of " + stream.key);
					}
				}
			}
		}
		this.local.start();
		PipelinedWriter writer = new PipelinedWriter(this.factory, node);
		boolean consuming = this.settings.consume() && !streams.isEmpty();
		// a node that does not consume moves no delayed task: it only reads how many wait
		// a keyed task's delayed set is its partition stream's: due, it enters its key's partition in due order
		List<TaskStream> withDelayed = new ArrayList<>(streams.all());
		keyedStreams.all().forEach((partition) -> withDelayed.add(partition.stream));
		DelayedMover mover = new DelayedMover(this.factory, node, this.keys.prefix(), withDelayed, keyedStreams,
				consuming ? this.settings.batchSize() : 0);
		TaskWriter tasks = new TaskWriter(this.settings, this.factory, writer, this.awaiting, streams, keyedStreams,
				this.runner, incarnation, mover::wake);
		StreamBacklogs backlogs = new StreamBacklogs(this.factory, node, streams.all());
		ReplyReader replies = new ReplyReader(this.factory, node, this.keys, incarnation, replyStart, this.awaiting,
				streams, this.runner.completion(), this.local::offerDecided,
				this.settings.batchSize());
		HeldEntries held = null;
		ReplyWriter replyWriter = null;
		Inbound inbound = null;
		List<StreamReader> readers = new ArrayList<>();
		Leases leases = null;
		KeyedConsumer keyed = null;
		PartitionLeases partitionLeases = null;
		if (consuming) {
			// what the workers can start now, plus a prefetch of one per worker so that a freed worker finds its next
			// task queued while the reader fetches more (up to batch-size for tasks they finish within a millisecond)
			held = new HeldEntries(this.local.startable(), this.local.taskWorkerNum(), this.settings.batchSize());
			replyWriter = new ReplyWriter(writer, held, this.keys, node, new HandBack(this.factory, node));
			inbound = new Inbound(held, replyWriter,
					(task, mayWait) -> this.local.offer(task, mayWait ? Admission.POLICY : Admission.TRY),
					this.settings.maxDeliveries(), this.runner);
			for (TaskStream stream : streams.all()) {
				readers.add(new StreamReader(this.factory, node, stream, held, inbound, this.settings.batchSize()));
			}
			leases = new Leases(this.factory, node, streams.all(), held, inbound, this.settings.batchSize(),
					this.settings.claimIdle());
			keyed = new KeyedConsumer(this.factory, node, keyedStreams, inbound,
					(task, mayWait) -> this.local.offer(task, Admission.TRY), this.runner.completion(),
					this.settings.batchSize());
			partitionLeases = new PartitionLeases(this.factory, node, this.keys, keyedStreams, keyed::wake,
					this.settings.claimIdle());
		}
		ReplyExpiry expiry = new ReplyExpiry(this.awaiting, streams, keyedStreams, this.runner.completion(),
				this.local::offerDecided, this.keys.reply(node), replies::readUpTo,
				this.settings.claimIdle().toNanos());
		NodeCleanup cleanup = new NodeCleanup(this.factory, this.keys, node, streams.all(), this.settings.claimIdle(),
				expiry);
		this.parts = new Parts(streams, heartbeat, writer, tasks, backlogs, mover, replies, cleanup, held, replyWriter,
				inbound, readers, leases, keyed, partitionLeases);
		this.running = true;
		heartbeat.start();
		writer.start();
		backlogs.start();
		replies.start();
		cleanup.start();
		readers.forEach(StreamReader::start);
		mover.start();
		if (leases != null) {
			leases.start();
		}
		if (keyed != null && partitionLeases != null) {
			keyed.start();
			partitionLeases.start();
		}
		logger.info("Redis transport started: node '" + node + "', key prefix '" + this.keys.prefix() + "', "
				+ ((leases != null) ? "consuming " + streams.all() : "dispatch only (consume=false)")
				+ ", claim-idle " + this.settings.claimIdle().toMillis() + "ms, partitions " + this.settings.partitions()
				+ ", max-deliveries "
				+ this.settings.maxDeliveries() + ", batch-size " + this.settings.batchSize());
	}

	private void reportUnknownStreams(RedisConnection connection, TaskStreams streams) {
		Set<String> unknown = new TreeSet<>();
		for (String key : RedisStreamOps.taskStreams(connection, this.keys)) {
			String name = this.keys.taskNameOf(key);
			if (name != null && streams.named(name) == null) {
				unknown.add(name);
			}
		}
		this.unknownStreams = List.copyOf(unknown);
		if (!unknown.isEmpty()) {
			logger.warn("Redis has task streams under '" + this.keys.prefix() + ":task:' that no @OnTask handler of "
					+ "this application knows: " + unknown + ". Their entries will not run here. Was a task renamed "
					+ "by a deploy? Restore its handler (or its name in @OnTask), or delete the streams once they are"
					+ " drained.");
		}
	}

	/** Task names that have a stream under the prefix but no handler here (as found at start). */
	public List<String> unknownStreams() {
		return this.unknownStreams;
	}

	/** What Redis reports about each task name's stream: length, pending, lag, consumers. */
	public List<RedisStreamStats> streamStats() {
		List<RedisStreamStats> stats = new ArrayList<>();
		Parts parts = this.parts;
		if (parts == null) {
			return stats;
		}
		try (RedisConnection connection = this.factory.getConnection()) {
			for (TaskStream stream : parts.streams.all()) {
				stats.add(RedisStreamOps.stats(connection, stream.taskName, stream.keyBytes));
			}
		}
		return stats;
	}

	/** Entries this node holds now whose task has not finished: read from Redis, queued or running here. */
	public int held() {
		Parts parts = this.parts;
		return (parts != null && parts.held != null) ? parts.held.unfinished() : 0;
	}

	/** Wake-ups this node's mover of delayed tasks heard on the channel since start (0 on a node that consumes none). */
	long delayedWakeups() {
		Parts parts = this.parts;
		return (parts != null) ? parts.mover.heard() : 0;
	}

	/**
	 * Tasks of this name dispatched here whose reply could no longer come (ended {@code FAILED}), since the node
	 * started: {@code async.task.replies.expired}.
	 */
	public long repliesExpired(String taskName) {
		return this.awaiting.expired(taskName);
	}

	/** Tasks dispatched here that wait for their outcome. */
	public int awaitingReplies() {
		return this.awaiting.size();
	}

	@Override
	public boolean drain(long deadlineNanos) {
		Parts parts = this.parts;
		if (parts != null) {
			stopReading(parts);
		}
		this.running = false;
		letGoOfDelayed();
		boolean drained = this.local.drain(deadlineNanos);
		while (drained && !this.awaiting.isEmpty() && System.nanoTime() - deadlineNanos < 0) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
		drained = drained && this.awaiting.isEmpty();
		if (drained) {
			stopThreads(deadlineNanos);
		}
		return drained;
	}

	/**
	 * Delayed tasks dispatched here and not yet due are no longer awaited: they belong to the cluster (they stay in
	 * Redis and run when due on a consuming node), and a stopping node does not wait for them. Their outcome does not
	 * reach this node (a reply to this run of it is ignored by the next one); they are not cancelled.
	 */
	private void letGoOfDelayed() {
		long now = System.nanoTime();
		int let = 0;
		for (Task task : this.awaiting.all()) {
			if (task.dueNanos() != 0 && task.dueNanos() - now > 0 && this.awaiting.take(task)) {
				let++;
			}
		}
		if (let > 0) {
			logger.info("Redis transport stopping: " + let + " delayed task(s) dispatched here and not yet due stay in "
					+ "Redis and run when due on a consuming node; their outcome will not reach this node");
		}
	}

	@Override
	public int cancelQueued(String reason) {
		Parts parts = this.parts;
		interrupting(parts);
		int cancelled = this.local.cancelQueued(reason);
		if (parts != null && parts.inbound != null) {
			// read but never queued (the workers had no room): handed back like the queued ones
			for (Task task : parts.inbound.waitingForRoom()) {
				if (this.runner.completion().cancel(task, reason, true)) {
					cancelled++;
				}
			}
		}
		for (Task task : this.awaiting.all()) {
			if (this.awaiting.take(task) && this.runner.completion().cancel(task,
					"was still waiting for its outcome from Redis when the task server stopped", true)) {
				cancelled++;
			}
		}
		return cancelled;
	}

	/**
	 * The stop reached {@code shutdown-timeout}: what this node holds and has not finished (queued, waiting to
	 * retry, read but not queued, and running tasks, which the pool interrupts now) is handed back for another node
	 * to run, not answered.
	 */
	private static void interrupting(@Nullable Parts parts) {
		if (parts != null && parts.answers != null) {
			parts.answers.interrupting();
		}
	}

	@Override
	public void terminate(Duration grace) {
		interrupting(this.parts);
		this.local.terminate(grace);
		stopThreads(System.nanoTime() + grace.toNanos());
	}

	private void stopThreads(long deadlineNanos) {
		this.running = false;
		Parts parts = this.parts;
		this.parts = null;
		if (parts == null) {
			return;
		}
		stopReading(parts);
		parts.writer.stop(Math.max(deadlineNanos, System.nanoTime() + TimeUnit.SECONDS.toNanos(2)));
		if (parts.keyed != null) {
			parts.keyed.stop(deadlineNanos); // after the writer: the last acknowledgements go under the leases
		}
		if (parts.partitionLeases != null) {
			parts.partitionLeases.stop();
		}
		if (parts.leases != null) {
			parts.leases.stop();
		}
		parts.replies.stop();
		parts.backlogs.stop();
		parts.cleanup.stop();
		if (parts.answers != null && parts.answers.handedBack() > 0) {
			logger.info("Node " + this.settings.nodeId() + " handed " + parts.answers.handedBack() + " entries it had "
					+ "not finished back to Redis, for another node to run (the tasks counted CANCELLED here)");
		}
		// what this node leaves behind, removed while its heartbeat still says it is alive
		try (RedisConnection connection = this.factory.getConnection()) {
			parts.cleanup.cleanStop(connection);
		}
		catch (RuntimeException ex) {
			logger.warn("Node " + this.settings.nodeId() + " could not remove its consumers and reply stream at its "
					+ "stop (" + RedisLoop.describe(ex) + "); the other nodes remove them after "
					+ "async-task.redis.claim-idle");
		}
		parts.heartbeat.stop();
	}

	private static void stopReading(Parts parts) {
		parts.mover.stop();
		parts.readers.forEach(StreamReader::stop);
		parts.readers.forEach(StreamReader::await);
		if (parts.leases != null) {
			parts.leases.stopTakingOver();
		}
		if (parts.keyed != null) {
			parts.keyed.stopReading();
		}
		if (parts.partitionLeases != null) {
			parts.partitionLeases.stopTaking();
		}
	}

	/** The partitions of keyed tasks this node owns now, as {@code <task-name>:<partition>}. */
	public List<String> ownedPartitions() {
		Parts parts = this.parts;
		return (parts != null && parts.keyed != null) ? parts.keyed.owned() : List.of();
	}

	/** For tests: acknowledgements of keyed entries not made because their partition's lease was lost meanwhile. */
	long refusedKeyedAcknowledgements() {
		Parts parts = this.parts;
		return (parts != null && parts.keyed != null) ? parts.keyed.refusedAcknowledgements() : 0;
	}

	/**
	 * For tests: plays (or ends) a stop-the-world pause of this node's keyed side: no lease renewal, no read, no
	 * acknowledgement of a partition while it lasts.
	 */
	void pauseKeyed(boolean paused) {
		Parts parts = this.parts;
		if (parts != null && parts.keyed != null && parts.partitionLeases != null) {
			parts.partitionLeases.pause(paused);
			parts.keyed.pause(paused);
		}
	}

}
