package io.github.asynctask.transport.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Which member owns a partition: rendezvous hashing (highest random weight). Each member gets a weight for each
 * partition from a 64-bit hash of its id, the task name and the partition number; the heaviest owns it. Every node
 * computes the same owner from the same members; partitions spread evenly; a member joining takes about
 * {@code 1/n} of the partitions from the others, a member leaving hands out only its own, and nothing moves while the
 * membership stays the same.
 * <p>
 * Threading: stateless.
 */
final class PartitionAssignment {

	private PartitionAssignment() {
	}

	/** The member a partition belongs to, or {@code null} if there are none. */
	static @Nullable String owner(List<String> members, String taskName, int partition) {
		String owner = null;
		long best = 0;
		for (String member : members) {
			long weight = weight(member, taskName, partition);
			if (owner == null || Long.compareUnsigned(weight, best) > 0
					|| (weight == best && member.compareTo(owner) < 0)) {
				owner = member;
				best = weight;
			}
		}
		return owner;
	}

	/** FNV-1a over the UTF-8 bytes of {@code member \n taskName \n partition}, then MurmurHash3's 64-bit finalizer. */
	static long weight(String member, String taskName, int partition) {
		long hash = 0xcbf29ce484222325L;
		for (byte b : (member + '\n' + taskName + '\n' + partition).getBytes(StandardCharsets.UTF_8)) {
			hash ^= (b & 0xff);
			hash *= 0x100000001b3L;
		}
		hash ^= hash >>> 33;
		hash *= 0xff51afd7ed558ccdL;
		hash ^= hash >>> 33;
		hash *= 0xc4ceb9fe1a85ec53L;
		hash ^= hash >>> 33;
		return hash;
	}

}
