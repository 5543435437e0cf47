package io.github.asynctask.transport.redis;

import java.time.Duration;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Consumer lag pushes back on dispatch: over {@code redis.max-backlog} entries not yet read in a task stream,
 * dispatch applies the when-full policy.
 */
class RedisBacklogTests {

	@Test
	void aStreamOverMaxBacklogMakesDispatchApplyWhenFull() {
		try (RedisNodes nodes = new RedisNodes("backlog"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			ConfigurableApplicationContext origin = nodes.start("web-" + nodes.prefix, "async-task.redis.consume=false",
					"async-task.redis.max-backlog=3", "async-task.when-full=reject");
			TaskTemplate tasks = RedisNodes.template(origin);
			// no node consumes: the stream only grows; once its length is seen at 3 or more, dispatch pushes back
			await().atMost(Duration.ofSeconds(10))
				.until(() -> tasks.tryDispatch(new Echo("fill")).isEmpty());
			long length = raw.length(nodes.prefix + ":task:Echo");
			assertThat(length).isGreaterThanOrEqualTo(3);
			assertThatThrownBy(() -> tasks.dispatch(new Echo("one too many")))
				.isInstanceOf(TaskRejectedException.class)
				.hasMessageContaining("Task 'Echo' rejected")
				.hasMessageContaining("async-task.redis.max-backlog (3)");
			assertThat(raw.length(nodes.prefix + ":task:Echo")).isEqualTo(length);
		}
	}

}
