package io.github.asynctask.transport.redis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One task name's stream as a consuming node sees it: its key, and the ids of the entries this node read and has
 * not yet acknowledged (the leases it renews).
 * <p>
 * Threading: {@link #held()} is concurrent: the reader and the lease keeper add, the writer removes.
 */
final class TaskStream {

	final String taskName;

	final String key;

	final byte[] keyBytes;

	final byte[] deadKey;

	/** What the transport keeps per task name (its handler and codecs). */
	final Object handle;

	private final Set<String> held = ConcurrentHashMap.newKeySet();

	/** The held entries whose task has not finished yet (queued or running here). */
	private final Set<String> unfinished = ConcurrentHashMap.newKeySet();

	TaskStream(RedisKeys keys, String taskName, Object handle) {
		this.taskName = taskName;
		this.key = keys.task(taskName);
		this.keyBytes = RedisKeys.bytes(this.key);
		this.deadKey = RedisKeys.bytes(keys.dead(taskName));
		this.handle = handle;
	}

	Set<String> held() {
		return this.held;
	}

	Set<String> unfinished() {
		return this.unfinished;
	}

	@Override
	public String toString() {
		return this.key;
	}

}
