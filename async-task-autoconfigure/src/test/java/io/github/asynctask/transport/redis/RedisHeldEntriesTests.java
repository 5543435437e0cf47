package io.github.asynctask.transport.redis;

import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.handler.TaskHandlerRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consuming node's room ({@link HeldEntries}): what its workers can start now plus a small prefetch, one task per
 * worker, or about a millisecond of queued work for tasks its workers finish quickly (at most {@code batch-size}); a
 * reader reads once half the prefetch is free, so that quick tasks come in reads of many entries, not one per
 * finished task.
 */
class RedisHeldEntriesTests {

	private static final int WORKERS = 2;

	private static final int BATCH_SIZE = 64;

	@Test
	void aNodeHoldsOnePrefetchedTaskPerWorkerUntilItKnowsItsTasksAreShort() {
		HeldEntries held = new HeldEntries(WORKERS, WORKERS, BATCH_SIZE);
		assertThat(held.max()).isEqualTo(4);
		for (int i = 0; i < 20; i++) {
			held.ran(50_000_000); // 50 ms each: slow tasks keep one per worker, so a burst spreads over the nodes
		}
		assertThat(held.max()).isEqualTo(4);
	}

	@Test
	void quickTasksLetANodeHoldAboutAMillisecondOfQueuedWorkAndNeverMoreThanBatchSize() {
		HeldEntries held = new HeldEntries(WORKERS, WORKERS, BATCH_SIZE);
		for (int i = 0; i < 200; i++) {
			held.ran(100_000); // 0.1 ms: two workers finish 20 in a millisecond
		}
		assertThat(held.prefetch()).isEqualTo(20);
		assertThat(held.max()).isEqualTo(22);
		for (int i = 0; i < 200; i++) {
			held.ran(1_000); // 1 us: capped at batch-size
		}
		assertThat(held.max()).isEqualTo(WORKERS + BATCH_SIZE);
		for (int i = 0; i < 200; i++) {
			held.ran(20_000_000); // slow again: back to one per worker
		}
		assertThat(held.max()).isEqualTo(4);
	}

	@Test
	void aReaderOfQuickTasksWaitsUntilHalfThePrefetchIsFreeWhileTheLeaseKeeperTakesAnyRoom() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
			.withUserConfiguration(Handlers.class)
			.run((context) -> {
				TaskStream stream = new TaskStream(new RedisKeys("held-test"),
						context.getBean(TaskHandlerRegistry.class).handler("Quick"),
						new JsonCodec(JsonMapper.builder().build()), 1024);
				HeldEntries held = new HeldEntries(WORKERS, WORKERS, BATCH_SIZE);
				for (int i = 0; i < 200; i++) {
					held.ran(1_000);
				}
				int[] wakeUps = { 0 };
				held.onRoom(() -> wakeUps[0]++);
				assertThat(held.readable()).isTrue(); // nothing held: read
				int reserved = held.reserve(BATCH_SIZE, false);
				assertThat(reserved).isEqualTo(BATCH_SIZE);
				for (int i = 0; i < reserved; i++) {
					assertThat(held.hold(stream, "1-" + i)).isTrue();
				}
				held.unreserve(reserved);
				assertThat(held.unfinished()).isEqualTo(BATCH_SIZE);
				assertThat(held.room()).isEqualTo(2);
				// 2 free of 66: a reader waits (its read would bring 2 entries), the lease keeper does not
				assertThat(held.readable()).isFalse();
				assertThat(held.reserve(BATCH_SIZE, false)).isZero();
				int takeover = held.reserve(BATCH_SIZE, true);
				assertThat(takeover).isEqualTo(2);
				held.unreserve(takeover);
				wakeUps[0] = 0;
				for (int i = 0; i < 29; i++) {
					held.finished(stream, "1-" + i);
				}
				assertThat(held.readable()).isFalse(); // 31 free: under half the prefetch (32)
				assertThat(wakeUps[0]).isZero();
				held.finished(stream, "1-29");
				assertThat(held.readable()).isTrue();
				assertThat(wakeUps[0]).isEqualTo(1);
				assertThat(held.reserve(BATCH_SIZE, false)).isEqualTo(32);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		QuickHandler quickHandler() {
			return new QuickHandler();
		}

	}

	record Quick(int n) {
	}

	static class QuickHandler {

		@OnTask
		public int quick(Quick quick) {
			return quick.n();
		}

	}

}
