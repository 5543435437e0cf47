package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import io.github.asynctask.transport.redis.RedisNodes.Receipt;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outcomes of remote tasks are delivered on the dispatching node's task workers, not on the thread that reads
 * replies; a reply that cannot be read still ends its task.
 */
class RedisRemoteOutcomeTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Test
	void aCallbackOfARemoteTaskRunsOnAWorkerAndMayItselfDispatchAndWait() {
		try (RedisNodes nodes = new RedisNodes("listener-thread")) {
			ConfigurableApplicationContext origin = nodes.start("web-" + nodes.prefix, "async-task.redis.consume=false");
			nodes.start("worker-" + nodes.prefix);
			TaskTemplate tasks = RedisNodes.template(origin);
			List<String> seen = new CopyOnWriteArrayList<>();
			tasks.dispatch(new Echo("outer"), (TaskResult<Receipt> outer) -> {
				seen.add(Thread.currentThread().getName());
				try {
					Receipt inner = tasks.dispatchAndWait(new Echo("inner"), Duration.ofSeconds(5));
					seen.add(inner.text());
				}
				catch (RuntimeException ex) {
					seen.add(ex.toString());
				}
			});
			await().atMost(WAIT).until(() -> seen.size() == 2);
			assertThat(seen.get(0)).startsWith("async-task-worker-");
			assertThat(seen.get(1)).isEqualTo("inner");
		}
	}

	@Test
	void aMalformedReplyEndsItsTaskFailedSayingWhy() {
		try (RedisNodes nodes = new RedisNodes("malformed-reply"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			String web = "web-" + nodes.prefix;
			ConfigurableApplicationContext origin = nodes.start(web, "async-task.redis.consume=false");
			List<TaskResult<Object>> outcomes = new CopyOnWriteArrayList<>();
			long id = RedisNodes.template(origin).dispatch(new Echo("garbled"), outcomes::add);
			String stream = nodes.prefix + ":task:Echo";
			await().atMost(WAIT).until(() -> raw.length(stream) == 1);
			Map<String, String> entry = raw.first(stream);
			// a reply for it whose status no node would write
			raw.add(nodes.prefix + ":reply:" + web, "g", entry.get("g"), "i", Long.toString(id), "s", "HALF_DONE");
			await().atMost(WAIT).until(() -> outcomes.size() == 1);
			assertThat(outcomes.get(0).status()).isEqualTo(TaskStatus.FAILED);
			assertThat(outcomes.get(0).error()).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("The reply to task " + id + " 'Echo'")
				.hasMessageContaining("is malformed")
				.hasMessageContaining("HALF_DONE");
		}
	}

	@Test
	void outcomesDeliveredOnTheOriginsWorkersLeaveNothingQueuedThere() {
		try (RedisNodes nodes = new RedisNodes("outcome-queued")) {
			ConfigurableApplicationContext origin = nodes.start("web-" + nodes.prefix, "async-task.redis.consume=false");
			nodes.start("worker-" + nodes.prefix);
			TaskTemplate tasks = RedisNodes.template(origin);
			List<TaskResult<Receipt>> outcomes = new CopyOnWriteArrayList<>();
			for (int i = 0; i < 200; i++) {
				tasks.dispatch(new Echo("e" + i), (TaskResult<Receipt> r) -> outcomes.add(r));
			}
			await().atMost(WAIT).until(() -> outcomes.size() == 200);
			assertThat(outcomes).allMatch((r) -> r.status() == TaskStatus.SUCCEEDED);
			TaskServer server = origin.getBean(TaskServer.class);
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(server.stats().queuedNum()).isZero();
				assertThat(server.stats().idleWorkerNum()).isEqualTo(server.taskWorkerNum());
			});
		}
	}

}
