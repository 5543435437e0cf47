package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cancel touches its own task only, whatever the writer is doing with the tasks dispatched around it.
 */
class RedisCancelTests {

	@Test
	void aCancelBeforeTheWriterSendsTheEntryNeverTouchesAnotherTask() {
		try (RedisNodes nodes = new RedisNodes("cancel-race")) {
			ConfigurableApplicationContext origin = nodes.start("web-" + nodes.prefix, "async-task.redis.consume=false");
			TaskTemplate tasks = RedisNodes.template(origin);
			Map<Long, TaskResult<Object>> outcomes = new ConcurrentHashMap<>();
			List<Long> cancelled = new ArrayList<>();
			List<Long> kept = new ArrayList<>();
			int cancelledUnwritten = 0;
			// the writer is kept busy by the dispatches, so many cancels land while an entry waits to be written,
			// between the entries of their neighbours in one pipeline
			for (int i = 0; i < 1000; i++) {
				long doomed = tasks.dispatch(new Echo("doomed-" + i), (TaskResult<Object> r) -> outcomes.put(r.taskId(), r));
				if (tasks.cancel(doomed)) {
					cancelled.add(doomed);
					if (outcomes.containsKey(doomed)) {
						cancelledUnwritten++;
					}
				}
				kept.add(tasks.dispatch(new Echo("kept-" + i), (TaskResult<Object> r) -> outcomes.put(r.taskId(), r)));
			}
			assertThat(cancelledUnwritten).as("cancels that landed before the write").isPositive();
			nodes.start("worker-" + nodes.prefix);
			await().atMost(Duration.ofSeconds(30)).until(() -> kept.stream().allMatch(outcomes::containsKey));
			assertThat(kept).allSatisfy((id) -> assertThat(outcomes.get(id).status()).isEqualTo(TaskStatus.SUCCEEDED));
			assertThat(cancelled).allSatisfy((id) -> assertThat(outcomes.get(id).status()).isEqualTo(TaskStatus.CANCELLED));
			assertThat(RedisNodes.runsOn("worker-" + nodes.prefix)).hasSize(1000 * 2 - cancelled.size());
		}
	}

}
