package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;

/**
 * What Redis reports about one task name's stream and its consumer group.
 * @param taskName the task name
 * @param length entries in the stream ({@code XLEN})
 * @param pending entries read but not yet acknowledged ({@code XPENDING})
 * @param lag entries not yet read by the group ({@code XINFO GROUPS} lag, else counted past the last delivered id)
 * @param consumers the group's consumers (nodes)
 */
public record RedisStreamStats(String taskName, long length, long pending, long lag, List<Consumer> consumers) {

	/**
	 * One consumer (node) of a task stream.
	 * @param name its node id
	 * @param pending entries it read and has not acknowledged
	 * @param idle time since it last read or renewed
	 */
	public record Consumer(String name, long pending, Duration idle) {
	}

}
