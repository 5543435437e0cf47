package io.github.asynctask.transport.redis;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The key layout of the Redis transport, as the public contract names it: {@code <prefix>:task:<task-name>},
 * {@code <prefix>:reply:<node-id>}, {@code <prefix>:dead:<task-name>} and {@code <prefix>:node:<node-id>}; for keyed
 * tasks the partition streams {@code <prefix>:task:<task-name>:{<p>}} (the contract's
 * {@code <prefix>:task:<task-name>:<p>}, with the partition as a hash tag), their leases, the recorded partition
 * counts and the partition members (see {@link #partition}); and one consumer group, {@value #GROUP}, per task
 * stream. Every command touches one key (a node reads its task streams one by one), except the scripts of a
 * partition, which touch its stream and its lease, and the move of due delayed tasks, whose sorted set shares its
 * stream's slot ({@link DelayedEntries#key}); so on Redis Cluster the default layout spreads the task streams and the
 * partitions over slots.
 */
public final class RedisKeys {

	/** A partition stream's part after {@code <prefix>:task:}: the task name, then the partition as a hash tag. */
	private static final Pattern PARTITION = Pattern.compile("(.+):\\{(\\d+)\\}");

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

	/**
	 * The stream of one partition of a task name's keyed entries: {@code <prefix>:task:<task-name>:{<partition>}}.
	 * The partition is a hash tag, so that on Redis Cluster the stream and its {@link #lease lease} share a slot
	 * while the partitions of one task name spread over slots.
	 */
	public String partition(String taskName, int partition) {
		return this.taskPrefix + taskName + ":{" + partition + "}";
	}

	/** The fenced lease of a partition stream: a hash next to it, in its slot ({@code <stream>:lease}). */
	public String lease(String taskName, int partition) {
		return partition(taskName, partition) + ":lease";
	}

	/** The partition count recorded for a task name at its first use. */
	public String partitions(String taskName) {
		return this.prefix + ":partitions:" + taskName;
	}

	/**
	 * The set of the task names that had a keyed task ({@code withKey}): only their partitions are leased and read,
	 * so a task name never dispatched with a key costs no partition work.
	 */
	public String keyed() {
		return this.prefix + ":keyed";
	}

	/** The sorted set of the nodes that own partitions now, by the time their membership ends. */
	public String members() {
		return this.prefix + ":partition-members";
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
		if (!key.startsWith(this.taskPrefix)) {
			return null;
		}
		String name = key.substring(this.taskPrefix.length());
		Matcher partition = PARTITION.matcher(name);
		return partition.matches() ? partition.group(1) : name;
	}

	/** Whether a task stream key is one of a partition of keyed entries. */
	public boolean isPartition(String key) {
		return key.startsWith(this.taskPrefix) && PARTITION.matcher(key.substring(this.taskPrefix.length())).matches();
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
