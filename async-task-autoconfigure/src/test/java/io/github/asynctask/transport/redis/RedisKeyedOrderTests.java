package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.KeyedHandlers.Step;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code withKey} across nodes: one key's tasks run one at a time, in dispatch order, on whichever node owns the
 * key's partition, while nodes join and leave; retries wait in place; nodes agree on the partition count.
 */
class RedisKeyedOrderTests {

	private static final String CLAIM_IDLE = "async-task.redis.claim-idle=3s";

	private static final int KEYS = 24;

	private static final int TASKS = 60;

	@Test
	void eachKeyRunsOneAtATimeInDispatchOrderOverThreeNodesWhileOneJoinsAndOneLeaves() {
		try (RedisNodes nodes = new RedisNodes("keyed-order")) {
			ConfigurableApplicationContext origin = nodes.start("web", "async-task.redis.consume=false", CLAIM_IDLE);
			nodes.start("w1", CLAIM_IDLE);
			ConfigurableApplicationContext leaving = nodes.start("w2", CLAIM_IDLE);
			TaskTemplate tasks = RedisNodes.template(origin);
			List<TaskResult<String>> results = new CopyOnWriteArrayList<>();
			for (int seq = 0; seq < TASKS; seq++) {
				for (int k = 0; k < KEYS; k++) {
					String key = "customer-" + k;
					tasks.withKey(key).dispatch(new Step(key, seq, 5), (TaskResult<String> r) -> results.add(r));
				}
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> results.size() >= KEYS * TASKS / 4);
			nodes.start("w3", CLAIM_IDLE); // joins mid-run
			await().atMost(Duration.ofSeconds(60)).until(() -> results.size() >= KEYS * TASKS / 2);
			nodes.stop(leaving); // leaves mid-run
			await().atMost(Duration.ofSeconds(120)).until(() -> results.size() == KEYS * TASKS);

			assertThat(results).allSatisfy((r) -> assertThat(r.status()).isEqualTo(TaskStatus.SUCCEEDED));
			assertThat(results).extracting(TaskResult::taskId).doesNotHaveDuplicates();
			StringRedisTemplate redis = origin.getBean(StringRedisTemplate.class);
			List<String> nodesSeen = new ArrayList<>();
			for (int k = 0; k < KEYS; k++) {
				List<String> starts = KeyedHandlers.starts(redis, nodes.prefix, "customer-" + k);
				assertThat(starts).extracting((start) -> Integer.parseInt(start.substring(0, start.indexOf('@'))))
					.as("start order of customer-" + k)
					.containsExactlyElementsOf(IntStream.range(0, TASKS).boxed().toList());
				starts.forEach((start) -> nodesSeen.add(start.substring(start.indexOf('@') + 1, start.indexOf('#'))));
			}
			assertThat(KeyedHandlers.overlaps(redis, nodes.prefix)).as("two tasks of one key at once").isZero();
			assertThat(nodesSeen).contains("w1", "w2", "w3");
			// the endpoint's view: the partitions of Step are owned by the two nodes still running, none twice
			Map<String, List<String>> owners = origin.getBean(RedisClusterView.class).read().partitions();
			assertThat(owners.keySet()).isSubsetOf("w1", "w3");
			List<String> owned = owners.values().stream().flatMap(List::stream).filter((p) -> p.startsWith("Step:"))
				.toList();
			assertThat(owned).isNotEmpty().doesNotHaveDuplicates();
		}
	}

	@Test
	void aRetryWaitsInPlaceAndATaskThatKeepsFailingEndsFailedWhileItsKeyGoesOn() {
		try (RedisNodes nodes = new RedisNodes("keyed-retry")) {
			String[] worker = { CLAIM_IDLE, "async-task.tasks.Step.retries=2", "async-task.tasks.Step.backoff=50ms" };
			ConfigurableApplicationContext origin = nodes.start("web", "async-task.redis.consume=false", CLAIM_IDLE);
			nodes.start("w1", worker);
			nodes.start("w2", worker);
			TaskTemplate tasks = RedisNodes.template(origin).withKey("order-7");
			List<TaskResult<String>> results = new CopyOnWriteArrayList<>();
			for (int seq = 0; seq < 6; seq++) {
				// step 2 fails once, then succeeds; step 4 fails at every attempt (1 + 2 retries)
				int failures = (seq == 2) ? 1 : (seq == 4) ? 3 : 0;
				tasks.dispatch(new Step("order-7", seq, 5, failures, false), (TaskResult<String> r) -> results.add(r));
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> results.size() == 6);

			List<String> starts = KeyedHandlers.starts(origin.getBean(StringRedisTemplate.class), nodes.prefix,
					"order-7");
			assertThat(starts).extracting((start) -> start.substring(0, start.indexOf('@')) + start.substring(
					start.indexOf('#')))
				.containsExactly("0#1", "1#1", "2#1", "2#2", "3#1", "4#1", "4#2", "4#3", "5#1");
			assertThat(results).extracting((r) -> r.status().name())
				.containsExactly("SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "FAILED", "SUCCEEDED");
		}
	}

	@Test
	void aNodeWithAnotherPartitionCountFailsItsStartupNamingBoth() {
		try (RedisNodes nodes = new RedisNodes("keyed-count")) {
			nodes.start("w1", "async-task.redis.partitions=16");
			assertThatThrownBy(() -> nodes.start("w2", "async-task.redis.partitions=8"))
				.rootCause()
				.isInstanceOf(PartitionCountMismatchException.class)
				.hasMessageContaining("async-task.redis.partitions is 8 on this node")
				.hasMessageContaining("has 16 partitions recorded in Redis (" + nodes.prefix + ":partitions:");
		}
	}

	@Test
	void aKeyedTaskNoNodeHasReadYetIsCancelledFromItsPartitionAndTheKeyGoesOn() {
		try (RedisNodes nodes = new RedisNodes("keyed-cancel"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			ConfigurableApplicationContext origin = nodes.start("web", "async-task.redis.consume=false", CLAIM_IDLE);
			TaskTemplate tasks = RedisNodes.template(origin).withKey("k");
			List<TaskResult<String>> results = new CopyOnWriteArrayList<>();
			tasks.dispatch(new Step("k", 0, 0), (TaskResult<String> r) -> results.add(r));
			long doomed = tasks.dispatch(new Step("k", 1, 0), (TaskResult<String> r) -> results.add(r));
			tasks.dispatch(new Step("k", 2, 0), (TaskResult<String> r) -> results.add(r));
			String partition = new RedisKeys(nodes.prefix).partition("Step", KeyedStreams.partitionOf("k", 16));
			await().atMost(Duration.ofSeconds(10)).until(() -> raw.length(partition) == 3);

			assertThat(tasks.cancel(doomed)).isTrue();
			assertThat(raw.length(partition)).isEqualTo(2);
			nodes.start("w1", CLAIM_IDLE);
			await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == 3);

			assertThat(results).extracting((r) -> r.status().name()).containsExactlyInAnyOrder("CANCELLED", "SUCCEEDED",
					"SUCCEEDED");
			assertThat(KeyedHandlers.starts(origin.getBean(StringRedisTemplate.class), nodes.prefix, "k"))
				.extracting((start) -> start.substring(0, start.indexOf('@')))
				.containsExactly("0", "2");
		}
	}

	@Test
	void aKeyedTaskAwaitedLongerThanClaimIdleIsNotTakenForOneWhoseEntryIsGone() {
		try (RedisNodes nodes = new RedisNodes("keyed-await")) {
			ConfigurableApplicationContext origin = nodes.start("web", "async-task.redis.consume=false",
					"async-task.redis.claim-idle=1s");
			TaskTemplate tasks = RedisNodes.template(origin).withKey("slow-key");
			List<TaskResult<String>> results = new CopyOnWriteArrayList<>();
			for (int seq = 0; seq < 3; seq++) {
				tasks.dispatch(new Step("slow-key", seq, 0), (TaskResult<String> r) -> results.add(r));
			}
			// no worker yet: the entries wait in their partition stream for several claim-idle periods, in which the
			// dispatching node looks them up (a task whose entry is gone and whose reply never came ends FAILED)
			await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(results::isEmpty);
			nodes.start("w1", CLAIM_IDLE);
			await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == 3);

			assertThat(results).allSatisfy((r) -> assertThat(r.status()).isEqualTo(TaskStatus.SUCCEEDED));
		}
	}

	@Test
	void delayedKeyedTasksWaitForTheirTimeThenRunInTheirKeysOrder() {
		try (RedisNodes nodes = new RedisNodes("keyed-delayed"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			ConfigurableApplicationContext origin = nodes.start("web", "async-task.redis.consume=false", CLAIM_IDLE);
			TaskTemplate tasks = RedisNodes.template(origin);
			List<TaskResult<String>> results = new CopyOnWriteArrayList<>();
			// per key: 0-4 now, 5-14 delayed (one due time each, in dispatch order), none before its time
			for (int k = 0; k < 3; k++) {
				String key = "cart-" + k;
				for (int seq = 0; seq < 5; seq++) {
					tasks.withKey(key).dispatch(new Step(key, seq, 0), (TaskResult<String> r) -> results.add(r));
				}
			}
			for (int seq = 5; seq < 15; seq++) {
				for (int k = 0; k < 3; k++) {
					String key = "cart-" + k;
					tasks.withKey(key).after(Duration.ofSeconds(2)).dispatch(new Step(key, seq, 0),
							(TaskResult<String> r) -> results.add(r));
				}
			}
			String partition = new RedisKeys(nodes.prefix).partition("Step", KeyedStreams.partitionOf("cart-0", 16));
			await().atMost(Duration.ofSeconds(10)).until(() -> raw.length(partition) >= 5);
			nodes.start("w1", CLAIM_IDLE);
			nodes.start("w2", CLAIM_IDLE);
			await().atMost(Duration.ofSeconds(60)).until(() -> results.size() == 45);

			assertThat(results).allSatisfy((r) -> assertThat(r.status()).isEqualTo(TaskStatus.SUCCEEDED));
			StringRedisTemplate redis = origin.getBean(StringRedisTemplate.class);
			for (int k = 0; k < 3; k++) {
				assertThat(KeyedHandlers.starts(redis, nodes.prefix, "cart-" + k))
					.extracting((start) -> Integer.parseInt(start.substring(0, start.indexOf('@'))))
					.as("start order of cart-" + k)
					.containsExactlyElementsOf(IntStream.range(0, 15).boxed().toList());
			}
		}
	}

}
