package io.github.asynctask.transport.redis;

/**
 * A node configured with another {@code async-task.redis.partitions} than the count recorded in Redis for a task
 * name: one key's tasks would go to two partition streams and lose their order, so the node does not start.
 */
public class PartitionCountMismatchException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String taskName;

	private final int configured;

	private final String recorded;

	private final String key;

	PartitionCountMismatchException(String taskName, int configured, String recorded, String key) {
		super("async-task.redis.partitions is " + configured + " on this node, but task '" + taskName + "' has "
				+ recorded + " partitions recorded in Redis (" + key + "): with two counts, one key's tasks would go "
				+ "to two partition streams and lose their order.");
		this.taskName = taskName;
		this.configured = configured;
		this.recorded = recorded;
		this.key = key;
	}

	public String taskName() {
		return this.taskName;
	}

	public int configured() {
		return this.configured;
	}

	/** The count recorded in Redis, as text. */
	public String recorded() {
		return this.recorded;
	}

	/** The key that records it. */
	public String key() {
		return this.key;
	}

	/** What to do about it. */
	public String fix() {
		return "Set async-task.redis.partitions=" + this.recorded + " on every node. To change the count: stop "
				+ "dispatching the task's keyed tasks until its partition streams are empty, stop every node, delete "
				+ this.key + ", and start them with the new count.";
	}

}
