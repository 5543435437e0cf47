package io.github.asynctask.transport.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.actuate.AsyncTaskHealthIndicator;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import io.github.asynctask.transport.redis.RedisNodes.Receipt;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * With Redis down, dispatch accepts into the bounded outbound backlog ({@code queue-capacity}), then applies
 * {@code when-full}; the health indicator says Redis is unreachable; once Redis is back (here restarted without
 * persistence, on the Redis the test started on a port of its own) the writes resume by themselves and every
 * accepted task gets its outcome.
 */
class RedisDownTests {

	private static final int BACKLOG = 5;

	@Test
	void dispatchFillsTheBacklogWhileRedisIsDownAndEveryAcceptedTaskRunsOnceItIsBack() throws IOException {
		int port = freePort();
		RedisServer redis = server(port);
		redis.start();
		try (RedisNodes nodes = RedisNodes.onRedis("redis-down", "127.0.0.1", port)) {
			String web = "web-" + nodes.prefix;
			ConfigurableApplicationContext origin = nodes.start(web, "async-task.redis.consume=false",
					"async-task.queue-capacity=" + BACKLOG, "async-task.when-full=reject", "spring.data.redis.timeout=2s");
			nodes.start("worker-" + nodes.prefix, "spring.data.redis.timeout=2s");
			TaskTemplate tasks = RedisNodes.template(origin);
			AsyncTaskHealthIndicator health = origin.getBean(AsyncTaskHealthIndicator.class);
			assertThat(tasks.<Receipt>dispatchAndWait(new Echo("before"), Duration.ofSeconds(20)).text())
				.isEqualTo("before");
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);

			redis.stop();
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				Health down = health.health(true);
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				assertThat((String) down.getDetails().get("redis")).startsWith("unreachable: ");
			});
			List<TaskResult<Receipt>> outcomes = new CopyOnWriteArrayList<>();
			for (int i = 0; i < BACKLOG; i++) {
				tasks.dispatch(new Echo("while down " + i), (TaskResult<Receipt> r) -> outcomes.add(r));
			}
			assertThatThrownBy(() -> tasks.dispatch(new Echo("one too many")))
				.isInstanceOf(TaskRejectedException.class)
				.hasMessageContaining("waiting to be written to Redis")
				.hasMessageContaining("async-task.queue-capacity (" + BACKLOG + ")");

			redis = server(port);
			redis.start();
			await().atMost(Duration.ofSeconds(60)).until(() -> outcomes.size() == BACKLOG);
			assertThat(outcomes).allMatch(TaskResult::isSuccess);
			assertThat(outcomes).extracting((r) -> r.value().text())
				.containsExactlyInAnyOrder("while down 0", "while down 1", "while down 2", "while down 3",
						"while down 4");
			assertThat(tasks.<Receipt>dispatchAndWait(new Echo("after"), Duration.ofSeconds(20)).text())
				.isEqualTo("after");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(health.health(true).getStatus()).isEqualTo(Status.UP));
		}
		finally {
			redis.stop();
		}
	}

	private static RedisServer server(int port) throws IOException {
		return RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"")
			.setting("appendonly no").build();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
