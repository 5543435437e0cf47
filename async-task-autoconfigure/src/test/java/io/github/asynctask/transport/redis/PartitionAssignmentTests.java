package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rendezvous assignment of partitions: the same owner whatever the order the members are listed in, an even spread,
 * and a change of members moves only what it must (no flapping while the membership stays the same).
 */
class PartitionAssignmentTests {

	private static final List<String> TASKS = List.of("SendEmail", "BuildReport", "Step", "Charge");

	private static final int PARTITIONS = 16;

	@Test
	void everyNodeComputesTheSameOwnerWhateverTheOrderOfTheMembers() {
		List<String> members = List.of("worker-1", "worker-2", "worker-3");
		List<String> reversed = List.of("worker-3", "worker-2", "worker-1");
		for (String task : TASKS) {
			for (int p = 0; p < PARTITIONS; p++) {
				assertThat(PartitionAssignment.owner(reversed, task, p)).isEqualTo(PartitionAssignment.owner(members, task, p));
			}
		}
		assertThat(PartitionAssignment.owner(List.of(), "Step", 0)).isNull();
	}

	@Test
	void partitionsSpreadEvenlyAndAJoinOrALeaveMovesOnlyWhatItMust() {
		List<String> three = List.of("worker-1", "worker-2", "worker-3");
		Map<String, String> before = owners(three);
		Map<String, Integer> counts = new HashMap<>();
		before.values().forEach((owner) -> counts.merge(owner, 1, Integer::sum));
		// 64 partitions over 3 members: each gets a fair share (21.3 on average)
		assertThat(counts).hasSize(3).allSatisfy((member, count) -> assertThat(count).isBetween(12, 32));

		List<String> four = new ArrayList<>(three);
		four.add("worker-4");
		Map<String, String> joined = owners(four);
		before.forEach((partition, owner) -> {
			if (!joined.get(partition).equals(owner)) {
				assertThat(joined.get(partition)).as(partition + " moves only to the new member").isEqualTo("worker-4");
			}
		});
		assertThat(joined.values()).contains("worker-4");

		Map<String, String> left = owners(List.of("worker-1", "worker-3"));
		before.forEach((partition, owner) -> {
			if (!owner.equals("worker-2")) {
				assertThat(left.get(partition)).as(partition + " stays where it was").isEqualTo(owner);
			}
		});
		assertThat(owners(three)).as("the same members, the same owners").isEqualTo(before);
	}

	private static Map<String, String> owners(List<String> members) {
		Map<String, String> owners = new HashMap<>();
		for (String task : TASKS) {
			for (int p = 0; p < PARTITIONS; p++) {
				owners.put(task + ":" + p, PartitionAssignment.owner(members, task, p));
			}
		}
		return owners;
	}

}
