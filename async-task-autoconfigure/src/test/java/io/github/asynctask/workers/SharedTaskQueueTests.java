package io.github.asynctask.workers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SharedTaskQueueTests {

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 7, 16 })
	void holdsExactlyItsCapacityInFifoOrderAcrossManyLaps(int capacity) {
		SharedTaskQueue<Integer> queue = new SharedTaskQueue<>(capacity);
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
		}
	}

	@Test
	void forEachQueuedSeesWhatIsQueued() {
		SharedTaskQueue<Integer> queue = new SharedTaskQueue<>(4);
		queue.offer(1);
		queue.offer(2);
		queue.offer(3);
		queue.poll();
		List<Integer> seen = new ArrayList<>();
		queue.forEachQueued(seen::add);
		assertThat(seen).containsExactly(2, 3);
	}

	@Test
	void concurrentProducersAndConsumersLoseAndDuplicateNothing() throws Exception {
		SharedTaskQueue<Integer> queue = new SharedTaskQueue<>(8);
		int producers = 4;
		int perProducer = 50_000;
		ConcurrentLinkedQueue<Integer> taken = new ConcurrentLinkedQueue<>();
		AtomicInteger count = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(producers + 2);
		for (int p = 0; p < producers; p++) {
			int base = p * perProducer;
			new Thread(() -> {
				for (int i = 0; i < perProducer; i++) {
					while (queue.offer(base + i) < 0) {
						Thread.onSpinWait();
					}
				}
				done.countDown();
			}).start();
		}
		for (int c = 0; c < 2; c++) {
			new Thread(() -> {
				while (count.get() < producers * perProducer) {
					Integer value = queue.poll();
					if (value != null) {
						taken.add(value);
						count.incrementAndGet();
					}
				}
				done.countDown();
			}).start();
		}
		assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
		assertThat(taken).hasSize(producers * perProducer).doesNotHaveDuplicates();
	}

}
