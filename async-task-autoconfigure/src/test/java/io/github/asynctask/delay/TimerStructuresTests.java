package io.github.asynctask.delay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

import io.github.asynctask.dispatch.Routing;
import io.github.asynctask.execution.Task;
import io.github.asynctask.handler.TaskHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timer's two structures against the JDK's, over random operations: {@link DueHeap} gives tasks back by due
 * time, ties in the order added; {@link HeldTasks} finds and removes exactly what a {@code HashMap} would.
 */
class TimerStructuresTests {

	private static final TaskHandler HANDLER = null; // the structures never look at the handler

	@Test
	void theHeapGivesTasksBackByDueTimeTiesInTheOrderAdded() {
		Random random = new Random(42);
		DueHeap heap = new DueHeap();
		record Entry(long due, long order, Task task) {
		}
		PriorityQueue<Entry> expected = new PriorityQueue<>((a, b) -> (a.due() != b.due())
				? Long.compare(a.due(), b.due()) : Long.compare(a.order(), b.order()));
		long base = Long.MAX_VALUE - 5_000; // due times on nanoTime may wrap: compared by difference
		long order = 0;
		for (int round = 0; round < 20_000; round++) {
			if (random.nextInt(3) > 0 || heap.isEmpty()) {
				Task task = task(round, base + random.nextInt(10_000)); // many ties
				heap.add(task);
				expected.add(new Entry(task.dueNanos() - base, order++, task));
			}
			else {
				assertThat(heap.peekDue()).isEqualTo(expected.peek().task().dueNanos());
				assertThat(heap.poll()).isSameAs(expected.poll().task());
			}
			assertThat(heap.size()).isEqualTo(expected.size());
		}
		heap.retain((task) -> task.taskId() % 2 == 0);
		expected.removeIf((entry) -> entry.task().taskId() % 2 != 0);
		while (!expected.isEmpty()) {
			assertThat(heap.poll()).isSameAs(expected.poll().task());
		}
		assertThat(heap.isEmpty()).isTrue();
	}

	@Test
	void theTableHoldsAndRemovesLikeAMap() {
		Random random = new Random(7);
		HeldTasks held = new HeldTasks();
		Map<Long, Task> expected = new HashMap<>();
		List<Long> ids = new ArrayList<>();
		for (int round = 0; round < 200_000; round++) {
			int op = random.nextInt(10);
			if (op < 5 || ids.isEmpty()) {
				// sequential ids, scattered ones, and a stride of 1024 that a plain identity hash would pile up
				int kind = random.nextInt(4);
				long id = (kind == 0) ? random.nextLong() : (kind == 1) ? round * 1024L : round;
				if (expected.containsKey(id)) {
					continue;
				}
				Task task = task(id, 0);
				held.put(task);
				expected.put(id, task);
				ids.add(id);
			}
			else {
				int index = random.nextInt(ids.size());
				long id = ids.get(index);
				if (op < 7) {
					assertThat(held.holds(expected.get(id))).isTrue();
				}
				else {
					assertThat(held.remove(id)).isSameAs(expected.remove(id));
					ids.set(index, ids.get(ids.size() - 1));
					ids.remove(ids.size() - 1);
					assertThat(held.remove(id)).isNull();
				}
			}
			assertThat(held.size()).isEqualTo(expected.size());
		}
		for (Map.Entry<Long, Task> entry : expected.entrySet()) {
			assertThat(held.holds(entry.getValue())).isTrue();
			assertThat(held.holds(task(entry.getKey(), 0))).isFalse(); // the same id, another task
		}
		for (long id : new ArrayList<>(expected.keySet())) {
			assertThat(held.remove(id)).isSameAs(expected.remove(id));
		}
		assertThat(held.size()).isZero();
	}

	private static Task task(long id, long dueNanos) {
		Task task = new Task(id, HANDLER, "payload", null, Routing.any(), false, 0);
		task.due(dueNanos);
		return task;
	}

}
