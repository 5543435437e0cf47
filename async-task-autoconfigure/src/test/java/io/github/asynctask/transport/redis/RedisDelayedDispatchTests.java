package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.time.Instant;

import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Delayed tasks are in-process only for now: in redis mode a delayed dispatch is refused with a message that says
 * why and what to do, rather than run at once or kept where a restart loses it.
 */
class RedisDelayedDispatchTests {

	@Test
	void aDelayedDispatchIsRefusedNamingTheTransportAndTheWayOut() {
		try (RedisNodes nodes = new RedisNodes("delayed")) {
			ConfigurableApplicationContext node = nodes.start("delayed-" + Long.toHexString(System.nanoTime()));
			TaskTemplate tasks = RedisNodes.template(node);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> tasks.after(Duration.ofMinutes(5)).dispatch(new Echo("later")))
				.withMessageContaining("Task 'Echo' cannot be delayed (after/at) with async-task.transport=redis")
				.withMessageContaining("Use async-task.transport=local for delayed tasks");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> tasks.at(Instant.now().plusSeconds(60)).submitAll(java.util.List.of(new Echo("b"))))
				.withMessageContaining("async-task.transport=redis");
			assertThat(node.getBean(TaskServer.class).stats().dispatched()).isZero();
			assertThat(node.getBean(TaskServer.class).stats().scheduledNum()).isZero();
			// a past instant means now, and now works in redis mode as ever
			assertThat(tasks.at(Instant.now().minusSeconds(1)).<Object>dispatchAndWait(new Echo("now"),
					Duration.ofSeconds(20))).isNotNull();
		}
	}

}
