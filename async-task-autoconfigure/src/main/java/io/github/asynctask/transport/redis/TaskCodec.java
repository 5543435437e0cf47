package io.github.asynctask.transport.redis;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.execution.Task;
import io.github.asynctask.handler.TaskHandler;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;

/**
 * One task name's payloads, results and replies to and from their entry fields ({@link Entries}), JSON through the
 * types its {@code @OnTask} method declares: made once per handler at start.
 * <p>
 * Threading: immutable, shared by every thread.
 */
final class TaskCodec {

	private final ObjectReader payloadReader;

	private final ObjectWriter payloadWriter;

	private final ObjectReader resultReader;

	private final ObjectWriter resultWriter;

	private final String resultTypeName;

	private final int maxPayloadBytes;

	TaskCodec(TaskHandler handler, JsonCodec codec, int maxPayloadBytes) {
		Type payloadType = payloadType(handler);
		this.payloadReader = codec.reader(payloadType);
		this.payloadWriter = codec.writer(payloadType);
		Type resultType = handler.resultType();
		this.resultReader = codec.reader(resultType);
		this.resultWriter = codec.writer(resultType);
		this.resultTypeName = resultType.getTypeName();
		this.maxPayloadBytes = maxPayloadBytes;
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

	/**
	 * A dispatched task's payload as JSON.
	 * @throws IllegalArgumentException naming the task, the problem and the fix
	 */
	byte[] payload(Task task) {
		byte[] bytes;
		try {
			bytes = JsonCodec.write(this.payloadWriter, task.payload());
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("The payload of task '" + task.taskName() + "' cannot be written as "
					+ "JSON for redis mode (async-task.transport=redis): " + ex.getMessage() + ". Make it a type the "
					+ "application's JsonMapper can write and read.", ex);
		}
		if (bytes.length > this.maxPayloadBytes) {
			throw new IllegalArgumentException("The payload of task '" + task.taskName() + "' is " + bytes.length
					+ " bytes as JSON, more than async-task.redis.max-payload-bytes (" + this.maxPayloadBytes
					+ "). Send a smaller payload (e.g. an id to load the data from), or raise "
					+ "async-task.redis.max-payload-bytes.");
		}
		return bytes;
	}

	/**
	 * The payload of an entry read from a task stream.
	 * @throws Undecodable with the reason to dead-letter it
	 */
	Object readPayload(byte[] json) {
		if (json.length > this.maxPayloadBytes) {
			throw new Undecodable("payload of " + json.length + " bytes is over async-task.redis.max-payload-bytes="
					+ this.maxPayloadBytes);
		}
		Object payload;
		try {
			payload = JsonCodec.read(this.payloadReader, json);
		}
		catch (RuntimeException ex) {
			throw new Undecodable("payload cannot be read as " + this.payloadReader.getValueType() + ": "
					+ ex.getMessage());
		}
		if (payload == null) {
			throw new Undecodable("payload is null");
		}
		return payload;
	}

	/** The reply entry of a task that ran here, for its origin. */
	Map<byte[], byte[]> reply(Task task, @Nullable String incarnation, long originId, byte[] payloadJson,
			String node) {
		TaskStatus status = task.status();
		Object valueJson = null;
		Throwable error = task.error();
		if (status == TaskStatus.SUCCEEDED && task.value() != null) {
			try {
				byte[] json = JsonCodec.write(this.resultWriter, task.value());
				if (json.length > this.maxPayloadBytes) {
					throw new IllegalArgumentException("it is " + json.length + " bytes as JSON, more than "
							+ "async-task.redis.max-payload-bytes (" + this.maxPayloadBytes + ")");
				}
				valueJson = json;
			}
			catch (RuntimeException ex) {
				status = TaskStatus.FAILED;
				error = new IllegalStateException("The result of task '" + task.taskName() + "' cannot be sent back: "
						+ ex.getMessage(), ex);
			}
		}
		List<Object> reply = new ArrayList<>(24);
		reply.addAll(List.of(Entries.INCARNATION, String.valueOf(incarnation), Entries.ID, originId, Entries.STATUS,
				status.name(), Entries.PAYLOAD, payloadJson, Entries.WORKER, task.workerId(), Entries.ATTEMPTS,
				task.attempts(), Entries.RUN_NANOS, task.runTime().toNanos(), Entries.RAN_ON, node));
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

	/** The outcome a reply reports: a result (success), or the error to end the task with. */
	Outcome outcome(Map<String, byte[]> reply, Task task) {
		TaskStatus status = TaskStatus.valueOf(Entries.required(reply, Entries.STATUS));
		if (status != TaskStatus.SUCCEEDED) {
			return new Outcome(status, Entries.remoteError(reply));
		}
		byte[] value = reply.get(Entries.VALUE);
		try {
			return new Outcome(status, (value == null) ? null : JsonCodec.read(this.resultReader, value));
		}
		catch (RuntimeException ex) {
			return new Outcome(TaskStatus.FAILED, new IllegalStateException("The result of task " + task.taskId()
					+ " '" + task.taskName() + "' cannot be read as " + this.resultTypeName + ": " + ex.getMessage(),
					ex));
		}
	}

	/** A task's outcome as a reply reports it. */
	record Outcome(TaskStatus status, @Nullable Object value) {
	}

	/** An entry that cannot become a task; its message is the dead letter's reason. */
	static final class Undecodable extends RuntimeException {

		Undecodable(String reason) {
			super(reason, null, false, false);
		}

	}

}
