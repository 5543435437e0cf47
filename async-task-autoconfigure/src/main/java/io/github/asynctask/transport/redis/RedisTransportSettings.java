package io.github.asynctask.transport.redis;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;

import io.github.asynctask.workers.WhenFull;

/**
 * The settings of a {@link RedisTransport}, as {@code async-task.redis.*} and the server's properties give them.
 * @param keyPrefix prefix of every key
 * @param nodeId this node's name: its consumer name and reply stream
 * @param consume whether this node runs tasks
 * @param claimIdle how long an entry may stay pending without lease renewal before it is taken over
 * @param maxDeliveries deliveries after which an entry is dead-lettered
 * @param batchSize most entries read per call
 * @param maxPayloadBytes largest encoded payload or result
 * @param maxBacklog entries not yet read per task stream before dispatch applies the when-full policy
 * @param backlogCapacity dispatched tasks waiting to be written to Redis before the when-full policy applies
 * @param whenFull what a dispatch does when the backlog is full
 * @param blockTimeout how long a dispatch waits for room under {@code block}
 * @param partitions partition streams per task name for keyed tasks
 */
public record RedisTransportSettings(String keyPrefix, String nodeId, boolean consume, Duration claimIdle,
		int maxDeliveries, int batchSize, int maxPayloadBytes, long maxBacklog, int backlogCapacity, WhenFull whenFull,
		Duration blockTimeout, int partitions) {

	/** The default node id: the host name and the process id, e.g. {@code web-3-4711}. */
	public static String defaultNodeId() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			host = "node";
		}
		return host.replace(' ', '-') + "-" + ManagementFactory.getRuntimeMXBean().getPid();
	}

}
