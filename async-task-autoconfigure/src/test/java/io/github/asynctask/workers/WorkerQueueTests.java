package io.github.asynctask.workers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerQueueTests {

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 7, 16 })
	void holdsExactlyItsCapacityInFifoOrderAcrossManyLaps(int capacity) {
		WorkerQueue<Integer> queue = new WorkerQueue<>(capacity);
		int next = 0;
		int expected = 0;
		for (int lap = 0; lap < 50; lap++) {
			for (int i = 0; i < capacity; i++) {
				assertThat(queue.offer(next++)).isNotNegative();
			}
			assertThat(queue.offer(-1)).as("offer beyond capacity").isEqualTo(-1);
			assertThat(queue.size()).isEqualTo(capacity);
			for (int i = 0; i < capacity; i++) {
				assertThat(queue.poll()).isEqualTo(expected++);
			}
			assertThat(queue.poll()).isNull();
			assertThat(queue.isEmptyOrFilling()).isTrue();
			assertThat(queue.enqueued()).isEqualTo(next);
		}
	}

	@Test
	void aCancelledElementLeavesTheCountAndTheRoomAtOnce() {
		WorkerQueue<Integer> queue = new WorkerQueue<>(2);
		long first = queue.offer(1);
		queue.offer(2);
		assertThat(queue.offer(3)).as("full").isEqualTo(-1);
		assertThat(queue.peek(first)).isEqualTo(1);
		queue.cancelled(); // element 1 is now a tombstone
		assertThat(queue.size()).isEqualTo(1);
		assertThat(queue.offer(3)).as("the tombstone takes no room").isNotNegative();
		assertThat(queue.size()).isEqualTo(2);
		assertThat(queue.poll()).isEqualTo(1);
		queue.passed();
		assertThat(queue.size()).isEqualTo(2);
		assertThat(queue.poll()).isEqualTo(2);
		assertThat(queue.poll()).isEqualTo(3);
		assertThat(queue.size()).isZero();
		assertThat(queue.peek(first)).isNull();
	}

	@Test
	void forEachQueuedSeesWhatIsQueued() {
		WorkerQueue<Integer> queue = new WorkerQueue<>(4);
		queue.offer(1);
		queue.offer(2);
		queue.offer(3);
		queue.poll();
		List<Integer> seen = new ArrayList<>();
		queue.forEachQueued(seen::add);
		assertThat(seen).containsExactly(2, 3);
	}

	@Test
	void concurrentProducersAndOneConsumerKeepEachProducersOrder() throws Exception {
		WorkerQueue<int[]> queue = new WorkerQueue<>(8);
		int producers = 4;
		int perProducer = 50_000;
		CountDownLatch done = new CountDownLatch(producers);
		for (int p = 0; p < producers; p++) {
			int producer = p;
			new Thread(() -> {
				for (int i = 0; i < perProducer; i++) {
					while (queue.offer(new int[] { producer, i }) < 0) {
						Thread.onSpinWait();
					}
				}
				done.countDown();
			}).start();
		}
		int[] last = { -1, -1, -1, -1 };
		int taken = 0;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (taken < producers * perProducer && System.nanoTime() < deadline) {
			int[] value = queue.poll();
			if (value != null) {
				assertThat(value[1]).as("order of producer %d", value[0]).isEqualTo(last[value[0]] + 1);
				last[value[0]] = value[1];
				taken++;
			}
		}
		assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
		assertThat(taken).isEqualTo(producers * perProducer);
		assertThat(queue.poll()).isNull();
	}

}
