package io.github.asynctask.transport.redis;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.WorkerStats;
import io.github.asynctask.dispatch.Admission;
import io.github.asynctask.dispatch.Routing;
import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.Task;
import io.github.asynctask.execution.TaskRunner;
import io.github.asynctask.handler.TaskHandler;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.server.LocalTransport;
import io.github.asynctask.server.WhenFull;
import io.github.asynctask.transport.TaskTransport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;

/**
 * The Redis Streams transport ({@code async-task.transport=redis}): the same tasks, handlers and listeners across any
 * number of nodes.
 * <ul>
 * <li>Outbound: a dispatched task's payload is encoded (JSON, the handler's declared payload type) on the
 * dispatching thread and written to {@code <prefix>:task:<name>} by the {@link PipelinedWriter}, which pipelines a
 * burst of dispatches into one round trip. The {@link Task} waits here, by id, until its reply arrives.</li>
 * <li>Inbound (consuming nodes): the {@link StreamConsumer} reads entries of this node's task names and hands each
 * to this node's task workers (a {@link LocalTransport}) as a {@link Task} whose callback writes the reply to the
 * origin's reply stream and acknowledges the entry, in one pipeline.</li>
 * <li>Replies: one thread reads {@code <prefix>:reply:<node-id>} and decides each waiting task's outcome through
 * {@link Completion}, so callbacks, futures, waits, gathers and {@code @OnFinish} run here, on the origin (on that
 * thread: keep them short).</li>
 * </ul>
 * Delivery is at least once: an entry whose node died is taken over after {@code claim-idle} and runs again
 * ({@link TaskContext#attempt()} tells); one delivered more than {@code max-deliveries} times is dead-lettered and
 * its dispatcher gets {@code FAILED}.
 * <p>
 * Threading: {@link #send} and {@link #cancel} from any thread; the lifecycle methods from the server, one at a time.
 */
public final class RedisTransport implements TaskTransport {

	private static final Log logger = LogFactory.getLog(RedisTransport.class);

	private static final String DEAD_LETTERED = "io.github.asynctask.transport.redis.DeadLettered";

	private final RedisTransportSettings settings;

	private final RedisConnectionFactory factory;

	private final JsonCodec codec;

	private final TaskHandlerRegistry registry;

	private final TaskRunner runner;

	private final LocalTransport local;

	private final RedisKeys keys;

	private final String node;

	private final byte[] replyKey;

	/** Reply stream keys by origin node. */
	private final ConcurrentHashMap<String, byte[]> replyKeys = new ConcurrentHashMap<>();

	/** Tasks dispatched here whose outcome has not arrived, by id. */
	private final ConcurrentHashMap<Long, Task> waiting = new ConcurrentHashMap<>();

	/** Per handler index. */
	private volatile Handle[] handles = new Handle[0];

	private volatile Map<String, Handle> handlesByName = Map.of();

	private volatile @Nullable PipelinedWriter writer;

	private volatile @Nullable StreamConsumer consumer;

	private volatile @Nullable Thread replyReader;

	private volatile boolean running;

	/** Distinguishes this run of the node from earlier ones with the same node id (their replies are ignored). */
	private volatile String incarnation = "";

	private volatile List<String> unknownStreams = List.of();

	public RedisTransport(RedisTransportSettings settings, RedisConnectionFactory factory, JsonCodec codec,
			TaskHandlerRegistry registry, TaskRunner runner, LocalTransport local) {
		this.settings = settings;
		this.factory = factory;
		this.codec = codec;
		this.registry = registry;
		this.runner = runner;
		this.local = local;
		this.keys = new RedisKeys(settings.keyPrefix());
		this.node = settings.nodeId();
		this.replyKey = RedisKeys.bytes(this.keys.reply(this.node));
	}

	@Override
	public String name() {
		return "redis";
	}

	public RedisTransportSettings settings() {
		return this.settings;
	}

	public RedisKeys keys() {
		return this.keys;
	}

	/** What one task name needs here: its handler, codecs and stream. */
	private static final class Handle {

		final TaskHandler handler;

		final ObjectReader payloadReader;

		final ObjectWriter payloadWriter;

		final ObjectReader resultReader;

		final ObjectWriter resultWriter;

		final TaskStream stream;

		final String resultTypeName;

		Handle(TaskHandler handler, JsonCodec codec, RedisKeys keys) {
			this.handler = handler;
			Type payloadType = payloadType(handler);
			this.payloadReader = codec.reader(payloadType);
			this.payloadWriter = codec.writer(payloadType);
			Type resultType = handler.resultType();
			this.resultReader = codec.reader(resultType);
			this.resultWriter = codec.writer(resultType);
			this.resultTypeName = resultType.getTypeName();
			this.stream = new TaskStream(keys, handler.name(), this);
		}

		private static Type payloadType(TaskHandler handler) {
			Type[] types = handler.method().getGenericParameterTypes();
			Class<?>[] classes = handler.method().getParameterTypes();
			for (int i = 0; i < classes.length; i++) {
				if (classes[i] != TaskContext.class) {
					return types[i];
				}
			}
			return handler.payloadType();
		}

	}

	// Dispatch (outbound)

	@Override
	public boolean send(Task task, Admission admission) {
		validate(task.routing());
		Handle handle = handleOf(task.handler());
		byte[] payload = encode(handle.payloadWriter, task.payload(), "payload", task);
		PipelinedWriter writer = this.writer;
		if (writer == null || !this.running) {
			throw new TaskRejectedException("Task '" + task.taskName() + "' rejected: the task server is stopped "
					+ "and accepts no new tasks.");
		}
		if (writer.backlog() >= this.settings.backlogCapacity() && !awaitRoom(writer, task, admission)) {
			return false;
		}
		this.waiting.put(task.taskId(), task);
		AddTask add = new AddTask(task, handle, payload);
		if (task.isHeld()) {
			task.onRelease(add::released);
			if (!task.isHeld()) {
				add.released(); // released before the hook was set; released() runs once
			}
		}
		else {
			writer.submit(add);
		}
		return true;
	}

	private boolean awaitRoom(PipelinedWriter writer, Task task, Admission admission) {
		if (admission == Admission.TRY) {
			return false;
		}
		WhenFull whenFull = this.settings.whenFull();
		if (whenFull != WhenFull.REJECT) {
			long deadline = System.nanoTime() + this.settings.blockTimeout().toNanos();
			while (writer.backlog() >= this.settings.backlogCapacity()) {
				if (System.nanoTime() - deadline >= 0) {
					break;
				}
				LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
			}
			if (writer.backlog() < this.settings.backlogCapacity()) {
				return true;
			}
		}
		throw new TaskRejectedException("Task '" + task.taskName() + "' rejected: " + writer.backlog()
				+ " dispatched tasks are waiting to be written to Redis (is it reachable?), the most "
				+ "async-task.queue-capacity (" + this.settings.backlogCapacity() + ") allows"
				+ ((whenFull != WhenFull.REJECT) ? ", for longer than async-task.block-timeout ("
						+ this.settings.blockTimeout().toMillis() + "ms)" : "")
				+ ". Check the Redis connection (spring.data.redis.*), or raise async-task.queue-capacity.");
	}

	private byte[] encode(ObjectWriter writer, Object value, String what, Task task) {
		byte[] bytes;
		try {
			bytes = JsonCodec.write(writer, value);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("The " + what + " of task '" + task.taskName() + "' cannot be "
					+ "written as JSON for redis mode (async-task.transport=redis): " + ex.getMessage()
					+ ". Make it a type the application's JsonMapper can write and read.", ex);
		}
		if (bytes.length > this.settings.maxPayloadBytes()) {
			throw new IllegalArgumentException("The " + what + " of task '" + task.taskName() + "' is "
					+ bytes.length + " bytes as JSON, more than async-task.redis.max-payload-bytes ("
					+ this.settings.maxPayloadBytes() + "). Send a smaller payload (e.g. an id to load the data "
					+ "from), or raise async-task.redis.max-payload-bytes.");
		}
		return bytes;
	}

	private Handle handleOf(TaskHandler handler) {
		Handle[] handles = this.handles;
		int index = handler.index();
		if (index >= 0 && index < handles.length && handles[index].handler == handler) {
			return handles[index];
		}
		throw new IllegalStateException("Task handler '" + handler.name() + "' is not known to the Redis transport "
				+ "(was the server started?)");
	}

	/** Writes one dispatched task's entry. */
	private final class AddTask implements PipelinedWriter.Write {

		private final Task task;

		private final Handle handle;

		private final byte[] payload;

		private final AtomicBoolean submitted = new AtomicBoolean();

		AddTask(Task task, Handle handle, byte[] payload) {
			this.task = task;
			this.handle = handle;
			this.payload = payload;
		}

		void released() {
			if (this.submitted.compareAndSet(false, true)) {
				if (this.task.isWithdrawn()) {
					RedisTransport.this.waiting.remove(this.task.taskId(), this.task);
					return;
				}
				PipelinedWriter writer = RedisTransport.this.writer;
				if (writer != null) {
					writer.submit(this);
				}
				else {
					abandoned();
				}
			}
		}

		@Override
		public int issue(RedisConnection connection, PipelinedWriter.Acks acks) {
			if (this.task.isDecided()) {
				return 0; // cancelled before it was written
			}
			RedisStreamOps.add(connection, this.handle.stream.keyBytes,
					Entries.entry(Entries.ORIGIN, RedisTransport.this.node, Entries.INCARNATION,
							RedisTransport.this.incarnation, Entries.ID, this.task.taskId(), Entries.PAYLOAD,
							this.payload),
					0);
			return 1;
		}

		@Override
		public void done(List<Object> results) {
			if (results.isEmpty()) {
				return; // decided (cancelled) before it was written: nothing was issued
			}
			Object result = results.get(0);
			if (result instanceof Throwable error) {
				fail(this.task, "could not be written to Redis: " + error);
				return;
			}
			String entryId = RedisStreamOps.asText((result instanceof RecordId id) ? id.getValue() : result);
			this.task.place(entryId);
			if (this.task.isDecided()) {
				// cancelled while it was being written: take the entry back unless a worker read it already
				deleteUnread(this.handle, entryId);
			}
		}

		@Override
		public void abandoned() {
			fail(this.task, "was not written to Redis before the task server stopped");
		}

	}

	private void deleteUnread(Handle handle, String entryId) {
		try (RedisConnection connection = this.factory.getConnection()) {
			RedisStreamOps.cancelUnread(connection, handle.stream.keyBytes, entryId);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete entry " + entryId + " of cancelled task from " + handle.stream + ": " + ex);
		}
	}

	private void fail(Task task, String reason) {
		if (this.waiting.remove(task.taskId(), task)) {
			this.runner.completion().endUnstarted(task, TaskStatus.FAILED,
					new TaskRejectedException("Task " + task.taskId() + " '" + task.taskName() + "' " + reason));
		}
	}

	@Override
	public boolean cancel(long taskId) {
		Task task = this.waiting.get(taskId);
		if (task == null || task.isDecided()) {
			return false;
		}
		Object place = task.place();
		if (place == null) {
			// not written yet: the writer skips a decided task
			if (this.runner.completion().cancel(task, "was cancelled before it started", true)) {
				this.waiting.remove(taskId, task);
				return true;
			}
			return false;
		}
		boolean deleted;
		try (RedisConnection connection = this.factory.getConnection()) {
			deleted = RedisStreamOps.cancelUnread(connection, handleOf(task.handler()).stream.keyBytes,
					place.toString());
		}
		if (deleted && this.runner.completion().cancel(task, "was cancelled before it started", true)) {
			this.waiting.remove(taskId, task);
			return true;
		}
		return false;
	}

	@Override
	public void withdraw(Task task) {
		if (task.tryWithdraw()) {
			this.waiting.remove(task.taskId(), task);
		}
	}

	@Override
	public void validate(Routing routing) {
		if (routing.workerId() >= 0) {
			throw new IllegalArgumentException("onWorker(" + routing.workerId() + ") has no meaning in redis mode "
					+ "(async-task.transport=redis): a task runs on whichever node reads it, not on a worker of "
					+ "this node. Dispatch without onWorker, or use async-task.transport=local.");
		}
		if (routing.key() != null) {
			throw new IllegalArgumentException("withKey(" + routing.key() + ") is not supported in redis mode "
					+ "(async-task.transport=redis) yet: keeping one key's tasks in order across nodes needs each "
					+ "key's sub-stream read by one node at a time, which this version does not do. Dispatch "
					+ "without withKey, or use async-task.transport=local.");
		}
	}

	// Replies (origin)

	private void readReplies() {
		RedisConnections connections = new RedisConnections(this.factory, "Redis reply reader of node " + this.node,
				logger);
		String last = null;
		int count = Math.max(64, this.settings.batchSize() * 4);
		while (this.running || !this.waiting.isEmpty() && this.draining) {
			try {
				RedisConnection connection = connections.get();
				if (last == null) {
					last = this.replyStart;
				}
				List<ByteRecord> records = connection.streamCommands().xRead(
						StreamReadOptions.empty().count(count).block(StreamConsumer.BLOCK),
						StreamOffset.create(this.replyKey, ReadOffset.from(last)));
				connections.succeeded();
				if (records == null) {
					continue;
				}
				for (ByteRecord record : records) {
					last = record.getId().getValue();
					try {
						reply(Entries.fields(record.getValue()));
					}
					catch (Throwable ex) {
						logger.error("A reply on " + this.keys.reply(this.node) + " could not be handled: " + ex, ex);
					}
				}
			}
			catch (Throwable ex) {
				connections.failed(ex, this.running);
			}
		}
		connections.close();
	}

	private volatile String replyStart = "0-0";

	private volatile boolean draining;

	private void reply(Map<String, byte[]> fields) {
		if (!this.incarnation.equals(Entries.text(fields, Entries.INCARNATION))) {
			return; // a reply to an earlier run of a node with this id
		}
		long id = Entries.number(fields, Entries.ID);
		Task task = this.waiting.remove(id);
		if (task == null) {
			return; // a duplicate (the task ran twice) or a cancelled task
		}
		Handle handle = handleOf(task.handler());
		TaskStatus status = TaskStatus.valueOf(Entries.required(fields, Entries.STATUS));
		Object outcome;
		if (status == TaskStatus.SUCCEEDED) {
			byte[] value = fields.get(Entries.VALUE);
			try {
				outcome = (value == null) ? null : JsonCodec.read(handle.resultReader, value);
			}
			catch (RuntimeException ex) {
				status = TaskStatus.FAILED;
				outcome = new IllegalStateException("The result of task " + id + " '" + task.taskName()
						+ "' cannot be read as " + handle.resultTypeName + ": " + ex.getMessage(), ex);
			}
		}
		else {
			outcome = Entries.remoteError(fields);
		}
		task.recordRemoteRun((int) Entries.number(fields, Entries.WORKER, -1),
				(int) Entries.number(fields, Entries.ATTEMPTS, 1), Entries.number(fields, Entries.RUN_NANOS, 0));
		this.runner.completion().endUnstarted(task, status, outcome);
	}

	// Consuming (inbound)

	private final class Inbound implements StreamConsumer.Inbound {

		@Override
		public void accept(TaskStream stream, String id, Map<String, byte[]> fields, long deliveries) {
			Handle handle = (Handle) stream.handle;
			byte[] payloadJson = fields.get(Entries.PAYLOAD);
			String origin;
			long originId;
			try {
				origin = Entries.required(fields, Entries.ORIGIN);
				originId = Entries.number(fields, Entries.ID);
				if (payloadJson == null) {
					throw new IllegalArgumentException("field 'p' (the payload) is missing");
				}
			}
			catch (IllegalArgumentException ex) {
				deadLetter(stream, id, fields, "malformed entry: " + ex.getMessage(), deliveries);
				return;
			}
			if (payloadJson.length > RedisTransport.this.settings.maxPayloadBytes()) {
				deadLetter(stream, id, fields, "payload of " + payloadJson.length + " bytes is over "
						+ "async-task.redis.max-payload-bytes=" + RedisTransport.this.settings.maxPayloadBytes(),
						deliveries);
				return;
			}
			Object payload;
			try {
				payload = JsonCodec.read(handle.payloadReader, payloadJson);
			}
			catch (RuntimeException ex) {
				deadLetter(stream, id, fields, "payload cannot be read as " + handle.payloadReader.getValueType()
						+ ": " + ex.getMessage(), deliveries);
				return;
			}
			if (payload == null) {
				deadLetter(stream, id, fields, "payload is null", deliveries);
				return;
			}
			long before = Entries.number(fields, Entries.DELIVERED_BEFORE, 0);
			Reply reply = new Reply(stream, id, fields, payloadJson, origin, originId, deliveries + before);
			Task task = new Task(originId, handle.handler, payload, reply, Routing.any(), false, dispatchNanos(id));
			task.originNode(origin);
			task.recordRemoteRun(-1, (int) Math.max(0, deliveries + before - 1), 0);
			RedisTransport.this.local.send(task, Admission.POLICY);
		}

		@Override
		public void deadLetter(TaskStream stream, String id, @Nullable Map<String, byte[]> fields, String reason,
				long deliveries) {
			RedisTransport.this.deadLetter(stream, id, fields, reason, deliveries);
		}

	}

	/**
	 * The dispatch time of an entry on this node's {@link System#nanoTime()} clock, from its id (the Redis server's
	 * clock, in milliseconds, when it was written), so that {@link TaskContext#dispatchedAt()} tells when it was
	 * dispatched rather than when it was read.
	 */
	static long dispatchNanos(String entryId) {
		long now = System.nanoTime();
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

	private void deadLetter(TaskStream stream, String id, @Nullable Map<String, byte[]> fields, String reason,
			long deliveries) {
		logger.warn("Entry " + id + " of " + stream + " goes to the dead-letter stream "
				+ this.keys.dead(stream.taskName) + ": " + reason);
		PipelinedWriter writer = this.writer;
		if (writer == null) {
			return;
		}
		writer.submit(new PipelinedWriter.Write() {

			@Override
			public int issue(RedisConnection connection, PipelinedWriter.Acks acks) {
				List<Object> dead = new ArrayList<>();
				if (fields != null) {
					fields.forEach((name, value) -> {
						dead.add(name);
						dead.add(value);
					});
				}
				dead.addAll(List.of("reason", reason, "id", id, "deliveries", deliveries, "node",
						RedisTransport.this.node));
				RedisStreamOps.add(connection, stream.deadKey, Entries.entry(dead.toArray()),
						RedisStreamOps.DEAD_MAXLEN);
				acks.add(stream.key, stream.keyBytes, id);
				int commands = 1;
				String origin = (fields != null) ? Entries.text(fields, Entries.ORIGIN) : null;
				String originId = (fields != null) ? Entries.text(fields, Entries.ID) : null;
				if (origin != null && originId != null) {
					RedisStreamOps.add(connection, replyKey(origin),
							Entries.entry(Entries.INCARNATION, Entries.text(fields, Entries.INCARNATION), Entries.ID,
									originId, Entries.STATUS, TaskStatus.FAILED.name(), Entries.ERROR_CLASS,
									DEAD_LETTERED, Entries.ERROR_MESSAGE,
									"dead-lettered to " + RedisTransport.this.keys.dead(stream.taskName) + ": "
											+ reason,
									Entries.ATTEMPTS, deliveries, Entries.RAN_ON, RedisTransport.this.node),
							RedisStreamOps.REPLY_MAXLEN);
					commands++;
				}
				return commands;
			}

			@Override
			public void done(List<Object> results) {
				released(stream, id);
			}

			@Override
			public void abandoned() {
				released(stream, id);
			}

		});
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

	private void released(TaskStream stream, String id) {
		StreamConsumer consumer = this.consumer;
		if (consumer != null) {
			consumer.released(stream, id);
		}
		else {
			stream.held().remove(id);
		}
	}

	/**
	 * The callback of a task read from Redis: writes its outcome to the origin's reply stream and acknowledges the
	 * entry, in one pipeline; a task that never started here (the node stopped) is handed back instead.
	 */
	private final class Reply implements TaskCallback<Object>, PipelinedWriter.Write {

		private final TaskStream stream;

		private final String id;

		private final Map<String, byte[]> fields;

		private final byte[] payloadJson;

		private final String origin;

		private final long originId;

		private final long deliveries;

		private volatile @Nullable Map<byte[], byte[]> reply;

		private volatile boolean handBack;

		Reply(TaskStream stream, String id, Map<String, byte[]> fields, byte[] payloadJson, String origin,
				long originId, long deliveries) {
			this.stream = stream;
			this.id = id;
			this.fields = fields;
			this.payloadJson = payloadJson;
			this.origin = origin;
			this.originId = originId;
			this.deliveries = deliveries;
		}

		@Override
		public void onFinish(TaskResult<Object> result) {
			Task task = (Task) result;
			StreamConsumer consumer = RedisTransport.this.consumer;
			if (consumer != null) {
				consumer.finished(this.stream, this.id);
			}
			if (result.status() == TaskStatus.CANCELLED && task.startNanos() == 0) {
				this.handBack = true;
			}
			else {
				this.reply = encodeReply(task);
			}
			PipelinedWriter writer = RedisTransport.this.writer;
			if (writer != null) {
				writer.submit(this);
			}
		}

		private Map<byte[], byte[]> encodeReply(Task task) {
			Handle handle = (Handle) this.stream.handle;
			TaskStatus status = task.status();
			Object valueJson = null;
			Throwable error = task.error();
			if (status == TaskStatus.SUCCEEDED && task.value() != null) {
				try {
					byte[] json = JsonCodec.write(handle.resultWriter, task.value());
					if (json.length > RedisTransport.this.settings.maxPayloadBytes()) {
						throw new IllegalArgumentException("it is " + json.length + " bytes as JSON, more than "
								+ "async-task.redis.max-payload-bytes (" + RedisTransport.this.settings.maxPayloadBytes()
								+ ")");
					}
					valueJson = json;
				}
				catch (RuntimeException ex) {
					status = TaskStatus.FAILED;
					error = new IllegalStateException("The result of task '" + task.taskName()
							+ "' cannot be sent back: " + ex.getMessage(), ex);
				}
			}
			List<Object> reply = new ArrayList<>(24);
			reply.addAll(List.of(Entries.INCARNATION, String.valueOf(Entries.text(this.fields, Entries.INCARNATION)),
					Entries.ID, this.originId, Entries.STATUS, status.name(), Entries.PAYLOAD, this.payloadJson,
					Entries.WORKER, task.workerId(), Entries.ATTEMPTS, task.attempts(), Entries.RUN_NANOS,
					task.runTime().toNanos(), Entries.RAN_ON, RedisTransport.this.node));
			if (valueJson != null) {
				reply.add(Entries.VALUE);
				reply.add(valueJson);
			}
			if (status != TaskStatus.SUCCEEDED && error != null) {
				reply.add(Entries.ERROR_CLASS);
				reply.add(error.getClass().getName());
				String message = Entries.safeMessage(error);
				if (message != null) {
					reply.add(Entries.ERROR_MESSAGE);
					reply.add(message);
				}
				reply.add(Entries.ERROR_STACK);
				reply.add(Entries.stackText(error));
			}
			return Entries.entry(reply.toArray());
		}

		@Override
		public int issue(RedisConnection connection, PipelinedWriter.Acks acks) {
			if (this.handBack) {
				Map<byte[], byte[]> copy = new java.util.LinkedHashMap<>();
				this.fields.forEach((name, value) -> {
					if (!name.equals(Entries.DELIVERED_BEFORE)) {
						copy.put(RedisKeys.bytes(name), value);
					}
				});
				copy.put(RedisKeys.bytes(Entries.DELIVERED_BEFORE), RedisKeys.bytes(Long.toString(this.deliveries)));
				RedisStreamOps.add(connection, this.stream.keyBytes, copy, 0);
			}
			else {
				RedisStreamOps.add(connection, replyKey(this.origin),
						this.reply, RedisStreamOps.REPLY_MAXLEN);
			}
			acks.add(this.stream.key, this.stream.keyBytes, this.id);
			return 1;
		}

		@Override
		public void done(List<Object> results) {
			Throwable error = PipelinedWriter.error(results);
			if (error != null) {
				logger.error("The outcome of entry " + this.id + " of " + this.stream + " could not be written ("
						+ error + "); the entry stays pending and runs again after async-task.redis.claim-idle");
			}
			released(this.stream, this.id);
		}

		@Override
		public void abandoned() {
			logger.warn("The outcome of entry " + this.id + " of " + this.stream + " was not written before the "
					+ "node stopped; the entry stays pending and runs again after async-task.redis.claim-idle");
			released(this.stream, this.id);
		}

	}

	// Lifecycle

	@Override
	public void start() {
		List<TaskHandler> handlers = this.registry.handlers();
		Handle[] handles = new Handle[handlers.size()];
		Map<String, Handle> byName = new ConcurrentHashMap<>();
		for (TaskHandler handler : handlers) {
			Handle handle = new Handle(handler, this.codec, this.keys);
			handles[handler.index()] = handle;
			byName.put(handler.name(), handle);
		}
		this.handles = handles;
		this.handlesByName = byName;
		this.incarnation = Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L);
		try (RedisConnection connection = this.factory.getConnection()) {
			this.replyStart = RedisStreamOps.lastId(connection, this.replyKey);
			reportUnknownStreams(connection);
		}
		this.local.start();
		this.draining = false;
		this.running = true;
		PipelinedWriter writer = new PipelinedWriter(this.factory, "async-task-redis-writer");
		this.writer = writer;
		writer.start();
		Thread replies = new Thread(this::readReplies, "async-task-redis-replies");
		replies.setDaemon(true);
		this.replyReader = replies;
		replies.start();
		if (this.settings.consume() && handles.length > 0) {
			List<TaskStream> streams = new ArrayList<>();
			for (Handle handle : handles) {
				streams.add(handle.stream);
			}
			StreamConsumer consumer = new StreamConsumer(this.factory, this.node, streams, new Inbound(),
					this.settings.batchSize(), this.local.taskWorkerNum(), this.settings.maxDeliveries(),
					this.settings.claimIdle());
			this.consumer = consumer;
			consumer.start();
		}
		logger.info("Redis transport started: node '" + this.node + "', key prefix '" + this.keys.prefix() + "', "
				+ (this.settings.consume() ? "consuming " + byName.keySet() : "dispatch only (consume=false)")
				+ ", claim-idle " + this.settings.claimIdle().toMillis() + "ms, max-deliveries "
				+ this.settings.maxDeliveries() + ", batch-size " + this.settings.batchSize());
	}

	private void reportUnknownStreams(RedisConnection connection) {
		Set<String> unknown = new TreeSet<>();
		for (String key : RedisStreamOps.taskStreams(connection, this.keys)) {
			String name = this.keys.taskNameOf(key);
			if (name != null && !this.handlesByName.containsKey(name)) {
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
		try (RedisConnection connection = this.factory.getConnection()) {
			for (Handle handle : this.handles) {
				stats.add(RedisStreamOps.stats(connection, handle.stream.taskName, handle.stream.keyBytes));
			}
		}
		return stats;
	}

	/** Entries this node holds now: read from Redis and not yet acknowledged. */
	public int held() {
		StreamConsumer consumer = this.consumer;
		return (consumer != null) ? consumer.held() : 0;
	}

	/** Tasks dispatched here that wait for their outcome. */
	public int awaitingReplies() {
		return this.waiting.size();
	}

	@Override
	public boolean drain(long deadlineNanos) {
		this.draining = true;
		StreamConsumer consumer = this.consumer;
		if (consumer != null) {
			consumer.stopReading();
		}
		this.running = false;
		boolean drained = this.local.drain(deadlineNanos);
		while (drained && !this.waiting.isEmpty() && System.nanoTime() - deadlineNanos < 0) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
		drained = drained && this.waiting.isEmpty();
		if (drained) {
			stopThreads(deadlineNanos);
		}
		return drained;
	}

	@Override
	public int cancelQueued(String reason) {
		int cancelled = this.local.cancelQueued(reason);
		for (Task task : List.copyOf(this.waiting.values())) {
			if (this.waiting.remove(task.taskId(), task) && this.runner.completion().cancel(task,
					"was still waiting for its outcome from Redis when the task server stopped", true)) {
				cancelled++;
			}
		}
		return cancelled;
	}

	@Override
	public void terminate(Duration grace) {
		this.local.terminate(grace);
		stopThreads(System.nanoTime() + grace.toNanos());
	}

	private void stopThreads(long deadlineNanos) {
		this.draining = false;
		this.running = false;
		PipelinedWriter writer = this.writer;
		if (writer != null) {
			writer.stop(Math.max(deadlineNanos, System.nanoTime() + TimeUnit.SECONDS.toNanos(2)));
		}
		StreamConsumer consumer = this.consumer;
		if (consumer != null) {
			consumer.stopLeases();
		}
		this.consumer = null;
		Thread replies = this.replyReader;
		if (replies != null) {
			try {
				replies.join(StreamConsumer.BLOCK.toMillis() * 10 + 2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.replyReader = null;
	}

	// Stats: this node's workers

	@Override
	public int taskWorkerNum() {
		return this.local.taskWorkerNum();
	}

	@Override
	public int running() {
		return this.local.running();
	}

	@Override
	public long queued() {
		return this.local.queued();
	}

	@Override
	public int idleWorkers() {
		return this.local.idleWorkers();
	}

	@Override
	public List<WorkerStats> workers() {
		return this.local.workers();
	}

	@Override
	public int queueCapacity() {
		return this.local.queueCapacity();
	}

}
