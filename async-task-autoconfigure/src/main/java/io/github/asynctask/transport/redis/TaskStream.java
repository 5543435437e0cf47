package io.github.asynctask.transport.redis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.asynctask.handler.TaskHandler;

/**
 * One task name as the transport sees it: its handler, its codec, its keys, and (on a consuming node) the ids of the
 * entries this node read and has not yet acknowledged (the leases it renews).
 * <p>
 * Threading: the id sets are concurrent: the reader and the lease keeper add, the writer removes.
 */
final class TaskStream {

	final TaskHandler handler;

	final TaskCodec codec;

	final String taskName;

	final String key;

	final byte[] keyBytes;

	final byte[] deadKey;

	/** The sorted set of its delayed entries, on the stream's Cluster slot ({@link DelayedEntries}). */
	final byte[] delayedKey;

	private final Set<String> held = ConcurrentHashMap.newKeySet();

	/** The stream's length as last seen ({@link StreamBacklogs}). */
	private volatile long length;

	/** The held entries whose task has not finished yet (queued or running here). */
	private final Set<String> unfinished = ConcurrentHashMap.newKeySet();

	TaskStream(RedisKeys keys, TaskHandler handler, JsonCodec json, int maxPayloadBytes) {
		this.handler = handler;
		this.codec = new TaskCodec(handler, json, maxPayloadBytes);
		this.taskName = handler.name();
		this.key = keys.task(this.taskName);
		this.keyBytes = RedisKeys.bytes(this.key);
		this.deadKey = RedisKeys.bytes(keys.dead(this.taskName));
		this.delayedKey = RedisKeys.bytes(DelayedEntries.key(keys.prefix(), this.key));
	}

	Set<String> held() {
		return this.held;
	}

	Set<String> unfinished() {
		return this.unfinished;
	}

	long length() {
		return this.length;
	}

	void length(long length) {
		this.length = length;
	}

	@Override
	public String toString() {
		return this.key;
	}

}
