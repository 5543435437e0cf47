package io.github.asynctask.transport.redis;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * The key layout of the Redis transport, literally as the public contract names it:
 * {@code <prefix>:task:<task-name>}, {@code <prefix>:reply:<node-id>}, {@code <prefix>:dead:<task-name>} and
 * {@code <prefix>:node:<node-id>}, and one
 * consumer group, {@value #GROUP}, per task stream. Every command touches one key (a node reads its task streams one
 * by one), except the move of due delayed tasks, whose sorted set shares its stream's slot
 * ({@link DelayedEntries#key}), so on Redis Cluster the default layout spreads the task streams over slots, and
 * needs no hash tag.
 */
public final class RedisKeys {

	/** The consumer group of every task stream. */
	public static final String GROUP = "async-task";

	private final String prefix;

	private final String taskPrefix;

	public RedisKeys(String prefix) {
		this.prefix = prefix;
		this.taskPrefix = prefix + ":task:";
	}

	public String prefix() {
		return this.prefix;
	}

	/** The stream of a task name's entries. */
	public String task(String taskName) {
		return this.taskPrefix + taskName;
	}

	/** The stream where a node reads the outcomes of the tasks it dispatched. */
	public String reply(String nodeId) {
		return this.prefix + ":reply:" + nodeId;
	}

	/** The heartbeat key of a live node. */
	public String node(String nodeId) {
		return this.prefix + ":node:" + nodeId;
	}

	/** The dead-letter stream of a task name. */
	public String dead(String taskName) {
		return this.prefix + ":dead:" + taskName;
	}

	/** The pattern of every task stream under the prefix, for {@code SCAN MATCH}. */
	public String taskPattern() {
		return this.taskPrefix.replace("*", "\\*").replace("?", "\\?").replace("[", "\\[") + "*";
	}

	/** The pattern of every reply stream under the prefix, for {@code SCAN MATCH}. */
	public String replyPattern() {
		return reply("").replace("*", "\\*").replace("?", "\\?").replace("[", "\\[") + "*";
	}

	/** The task name of a task stream key, or {@code null} if the key is no task stream of this prefix. */
	public @Nullable String taskNameOf(String key) {
		return key.startsWith(this.taskPrefix) ? key.substring(this.taskPrefix.length()) : null;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
