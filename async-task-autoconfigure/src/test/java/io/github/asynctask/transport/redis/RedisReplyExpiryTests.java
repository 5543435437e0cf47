package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.TaskTimeoutException;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import io.github.asynctask.transport.redis.RedisNodes.Receipt;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.stream.ByteRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The origin's map of tasks awaiting replies keeps no task whose reply can no longer come: once its entry is gone
 * from its stream and no reply for it arrived, the task ends {@code FAILED}, saying so, and is counted in
 * {@code async.task.replies.expired}; a task whose entry is still there keeps waiting.
 */
class RedisReplyExpiryTests {

	@Test
	void aTaskWhoseReplyCanNoLongerComeEndsFailedAndIsCounted() {
		try (RedisNodes nodes = new RedisNodes("reply-expiry"); RedisTransportTests.Raw raw = new RedisTransportTests.Raw()) {
			String stream = nodes.prefix + ":task:Echo";
			ConfigurableApplicationContext origin = nodes.start("web-" + nodes.prefix, "async-task.redis.consume=false",
					"async-task.redis.claim-idle=1s");
			TaskTemplate tasks = RedisNodes.template(origin);
			RedisTransport transport = RedisNodes.transport(origin);
			raw.createGroup(stream);

			// a task whose entry is deleted before any node reads it (by hand, a trim, a lost stream)
			List<TaskResult<Receipt>> outcomes = new CopyOnWriteArrayList<>();
			long deleted = tasks.dispatch(new Echo("deleted"), (TaskResult<Receipt> r) -> outcomes.add(r));
			await().atMost(Duration.ofSeconds(10)).until(() -> raw.length(stream) == 1);
			String deletedEntry = raw.connection.streamCommands()
				.xRange(RedisKeys.bytes(stream), org.springframework.data.domain.Range.unbounded())
				.get(0)
				.getId()
				.getValue();
			raw.connection.streamCommands().xDel(RedisKeys.bytes(stream), deletedEntry);
			// a wait that timed out, then the entry was done by a consumer whose reply never arrived
			assertThatThrownBy(() -> tasks.dispatchAndWait(new Echo("timed out"), Duration.ofMillis(100)))
				.isInstanceOf(TaskTimeoutException.class);
			List<ByteRecord> read = raw.readAs(stream, "replies-nowhere");
			assertThat(read).hasSize(1);
			String done = read.get(0).getId().getValue();
			raw.connection.streamCommands().xAck(RedisKeys.bytes(stream), RedisKeys.GROUP, done);
			raw.connection.streamCommands().xDel(RedisKeys.bytes(stream), done);
			// a task whose entry waits in the stream for a node: its reply may still come
			tasks.dispatch(new Echo("still waiting"));
			await().atMost(Duration.ofSeconds(10)).until(() -> raw.length(stream) == 1);

			await().atMost(Duration.ofSeconds(20)).until(() -> transport.awaitingReplies() == 1);
			await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 1);
			assertThat(outcomes.get(0).status()).isEqualTo(TaskStatus.FAILED);
			assertThat(outcomes.get(0).taskId()).isEqualTo(deleted);
			assertThat(outcomes.get(0).error()).hasMessageContaining("Task " + deleted + " 'Echo' got no reply")
				.hasMessageContaining("its entry " + deletedEntry + " is no longer in");
			assertThat(transport.repliesExpired("Echo")).isEqualTo(2);
			MeterRegistry meters = origin.getBean(MeterRegistry.class);
			assertThat(meters.get("async.task.replies.expired").tag("task", "Echo").functionCounter().count())
				.isEqualTo(2);
			assertThat(raw.length(stream)).isEqualTo(1);
		}
	}

}
