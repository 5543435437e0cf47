package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.github.asynctask.TaskResult;
import io.github.asynctask.transport.redis.RedisNodes.Work;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node reads only what its workers can start now plus a small prefetch, so a burst spreads over all consuming
 * nodes instead of queuing on the first that reads.
 */
class RedisBurstTests {

	@Test
	void aBurstOfSlowTasksSpreadsOverTwoNodesOfTwoWorkersEach() {
		try (RedisNodes nodes = new RedisNodes("burst")) {
			String a = "a-" + nodes.prefix;
			String b = "b-" + nodes.prefix;
			ConfigurableApplicationContext origin = nodes.start("web-" + nodes.prefix, "async-task.redis.consume=false");
			RedisTransport nodeA = RedisNodes.transport(nodes.start(a, "async-task.task-worker-num=2"));
			RedisTransport nodeB = RedisNodes.transport(nodes.start(b, "async-task.task-worker-num=2"));
			List<Work> burst = IntStream.range(0, 16).mapToObj((i) -> new Work("burst-" + i + "-" + a, 300)).toList();
			AtomicInteger mostHeld = new AtomicInteger();
			List<TaskResult<String>> results = new java.util.concurrent.CopyOnWriteArrayList<>();
			burst.forEach((work) -> RedisNodes.template(origin).dispatch(work, (TaskResult<String> r) -> results.add(r)));
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
				mostHeld.accumulateAndGet(Math.max(nodeA.held(), nodeB.held()), Math::max);
				return results.size() == 16;
			});
			assertThat(results).allMatch(TaskResult::isSuccess);
			// 2 workers + a prefetch of 2 each: a node never holds more than 4, so each runs about half
			assertThat(mostHeld.get()).isLessThanOrEqualTo(4);
			assertThat(RedisNodes.runsOn(a)).hasSizeGreaterThanOrEqualTo(4);
			assertThat(RedisNodes.runsOn(b)).hasSizeGreaterThanOrEqualTo(4);
			assertThat(RedisNodes.runsOn(a).size() + RedisNodes.runsOn(b).size()).isEqualTo(16);
		}
	}

}
