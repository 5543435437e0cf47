package io.github.asynctask.transport.redis;

import java.time.Duration;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import io.github.asynctask.transport.redis.RedisNodes.Receipt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer group lost under a running node (its stream deleted, or Redis restarted without persistence) is created
 * again within seconds, with a WARN that says so, and the node runs new tasks.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisGroupLostTests {

	@Test
	void aStreamDeletedUnderARunningNodeGetsItsGroupBackAndNewTasksRun(CapturedOutput output) {
		try (RedisNodes nodes = new RedisNodes("group-lost"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			String worker = "worker-" + nodes.prefix;
			ConfigurableApplicationContext origin = nodes.start("web-" + nodes.prefix, "async-task.redis.consume=false");
			nodes.start(worker);
			TaskTemplate tasks = RedisNodes.template(origin);
			assertThat(tasks.<Receipt>dispatchAndWait(new Echo("before"), Duration.ofSeconds(20)).node()).isEqualTo(worker);
			String stream = nodes.prefix + ":task:Echo";

			raw.connection.keyCommands().del(RedisKeys.bytes(stream)); // the group goes with it

			Receipt after = tasks.dispatchAndWait(new Echo("after"), Duration.ofSeconds(15));
			assertThat(after).isEqualTo(new Receipt("after", worker, 1));
			assertThat(output.getOut()).contains("The consumer group of " + stream + " was gone")
				.contains("node " + worker + " created it again")
				.doesNotContain("lost its Redis connection");
		}
	}

}
