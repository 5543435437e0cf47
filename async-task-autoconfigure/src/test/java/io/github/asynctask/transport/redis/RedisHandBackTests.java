package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Flaky;
import io.github.asynctask.transport.redis.RedisNodes.Work;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stopping node hands back what it has not finished by its {@code shutdown-timeout}: a task waiting to retry, one
 * queued, and running ones (interrupted at the deadline). Another node runs each once more, with {@code attempt()}
 * one higher, and the dispatcher gets exactly one outcome per task, from the node that finished it.
 */
class RedisHandBackTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void aStoppingNodeHandsBackWhatItHoldsAndAnotherNodeFinishesEachOnce() {
		try (RedisNodes nodes = new RedisNodes("hand-back"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			String a = "a-" + nodes.prefix;
			String b = "b-" + nodes.prefix;
			String tag = "-" + nodes.prefix;
			ConfigurableApplicationContext origin = nodes.start("web-" + nodes.prefix, "async-task.redis.consume=false");
			ConfigurableApplicationContext nodeA = nodes.start(a, "async-task.task-worker-num=2",
					"async-task.shutdown-timeout=3s", "async-task.tasks.Flaky.retries=1",
					"async-task.tasks.Flaky.backoff=60s");
			TaskTemplate tasks = RedisNodes.template(origin);
			Map<String, List<TaskResult<String>>> outcomes = new ConcurrentHashMap<>();
			// node A: one task waiting 60s to retry, two running for 8s, one queued behind them
			dispatch(tasks, new Flaky("flaky" + tag, 10), outcomes);
			await().atMost(WAIT).until(() -> RedisNodes.runsOn(a).contains("flaky" + tag));
			dispatch(tasks, new Work("long-0" + tag, 8000), outcomes);
			dispatch(tasks, new Work("long-1" + tag, 8000), outcomes);
			await().atMost(WAIT).until(() -> RedisNodes.runsOn(a).containsAll(List.of("long-0" + tag, "long-1" + tag)));
			dispatch(tasks, new Work("queued" + tag, 10), outcomes);
			await().atMost(WAIT).until(() -> RedisNodes.transport(nodeA).held() == 4);
			// and one A has no room for, left in the stream
			dispatch(tasks, new Work("unread" + tag, 10), outcomes);

			nodes.start(b, "async-task.task-worker-num=4");
			nodes.stop(nodeA);

			List<String> handedBack = List.of("flaky" + tag, "long-0" + tag, "long-1" + tag, "queued" + tag);
			await().atMost(WAIT).until(() -> outcomes.values().stream().mapToInt(List::size).sum() == 5);
			assertThat(outcomes).hasSize(5);
			outcomes.forEach((label, results) -> {
				assertThat(results).as(label).hasSize(1);
				assertThat(results.get(0).status()).as(label).isEqualTo(TaskStatus.SUCCEEDED);
				assertThat(results.get(0).value()).isEqualTo(label);
			});
			for (String label : handedBack) {
				assertThat(RedisNodes.runsOn(b).stream().filter(label::equals)).as(label).hasSize(1);
			}
			assertThat(RedisNodes.ATTEMPTS.get("flaky" + tag)).containsExactly(1, 2);
			assertThat(RedisNodes.ATTEMPTS.get("long-0" + tag)).containsExactly(1, 2);
			assertThat(RedisNodes.ATTEMPTS.get("long-1" + tag)).containsExactly(1, 2);
			assertThat(RedisNodes.ATTEMPTS.get("queued" + tag)).containsExactly(2);
			assertThat(RedisNodes.ATTEMPTS.get("unread" + tag)).containsExactly(1);
			// nothing left pending, and the stopped node left no consumer
			await().atMost(WAIT).until(() -> raw.pending(nodes.prefix + ":task:Work") == 0
					&& raw.pending(nodes.prefix + ":task:Flaky") == 0);
			assertThat(RedisCleanStopTests.consumers(raw, nodes.prefix)).doesNotContain(a);
		}
	}

	private static void dispatch(TaskTemplate tasks, Object payload, Map<String, List<TaskResult<String>>> outcomes) {
		String label = (payload instanceof Work work) ? work.label() : ((Flaky) payload).label();
		tasks.dispatch(payload, (TaskResult<String> result) -> outcomes
			.computeIfAbsent(label, (key) -> new CopyOnWriteArrayList<>())
			.add(result));
	}

}
