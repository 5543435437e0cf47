package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.asynctask.RemoteTaskException;
import io.github.asynctask.TaskFailedException;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskServerStats;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Boom;
import io.github.asynctask.transport.redis.RedisNodes.Echo;
import io.github.asynctask.transport.redis.RedisNodes.Receipt;
import io.github.asynctask.transport.redis.RedisNodes.Work;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStreamCommands.XClaimOptions;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.domain.Range;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Several nodes (application contexts with distinct node ids) on one real Redis: tasks dispatched on one run on
 * others, and every way of getting an outcome works at the origin.
 */
class RedisTransportTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private RedisNodes nodes;

	private RedisNodes nodes(String test) {
		this.nodes = new RedisNodes(test);
		return this.nodes;
	}

	@AfterEach
	void close() {
		if (this.nodes != null) {
			this.nodes.close();
		}
	}

	private static String id(String name) {
		return name + "-" + Long.toHexString(System.nanoTime());
	}

	@Test
	void tasksDispatchedOnADispatchOnlyNodeRunOnAnotherAndEveryOutcomeComesBack() throws Exception {
		RedisNodes nodes = nodes("two");
		String web = id("web");
		String worker = id("worker");
		ConfigurableApplicationContext origin = nodes.start(web, "async-task.redis.consume=false");
		nodes.start(worker);
		TaskTemplate tasks = RedisNodes.template(origin);

		Receipt waited = tasks.dispatchAndWait(new Echo("wait"), WAIT);
		assertThat(waited).isEqualTo(new Receipt("wait", worker, 1));

		CompletableFuture<Receipt> submitted = tasks.submit(new Echo("future"));
		assertThat(submitted.get(20, TimeUnit.SECONDS).node()).isEqualTo(worker);

		List<TaskResult<Receipt>> callbacks = new CopyOnWriteArrayList<>();
		long id = tasks.dispatch(new Echo("callback"), (TaskResult<Receipt> r) -> callbacks.add(r));
		await().atMost(WAIT).until(() -> callbacks.size() == 1);
		TaskResult<Receipt> result = callbacks.get(0);
		assertThat(result.taskId()).isEqualTo(id);
		assertThat(result.status()).isEqualTo(TaskStatus.SUCCEEDED);
		assertThat(result.value().text()).isEqualTo("callback");
		assertThat(result.payload()).isEqualTo(new Echo("callback"));
		assertThat(result.taskName()).isEqualTo("Echo");
		assertThat(result.attempts()).isEqualTo(1);

		tasks.dispatch(new Echo("listener"));
		await().atMost(WAIT).until(() -> RedisNodes.finished(origin).receipts.size() == 1);
		assertThat(RedisNodes.finished(origin).receipts.get(0)).isEqualTo(new Receipt("listener", worker, 1));

		List<Echo> many = IntStream.range(0, 50).mapToObj((i) -> new Echo("all-" + i)).toList();
		List<TaskResult<Receipt>> all = tasks.dispatchAllAndWait(many, WAIT);
		assertThat(all).hasSize(50).allMatch(TaskResult::isSuccess);
		assertThat(all).extracting((r) -> r.value().text())
			.containsExactlyElementsOf(many.stream().map(Echo::text).toList());

		assertThat(RedisNodes.runsOn(web)).isEmpty();
		assertThat(RedisNodes.runsOn(worker)).hasSize(54);
	}

	@Test
	void entriesWrittenBeforeAnyWorkerStartedRunWhenOneStarts() {
		RedisNodes nodes = nodes("early");
		ConfigurableApplicationContext origin = nodes.start(id("web"), "async-task.redis.consume=false");
		List<TaskResult<Integer>> results = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 5; i++) {
			RedisNodes.template(origin).dispatch(new RedisNodes.Job("early-" + i, 1),
					(TaskResult<Integer> r) -> results.add(r));
		}
		nodes.start(id("late-worker"));
		await().atMost(WAIT).until(() -> results.size() == 5);
		assertThat(results).allMatch(TaskResult::isSuccess);
	}

	@Test
	void aTaskReadFromRedisIsDatedByItsEntryIdNotByItsRead() {
		long twoSecondsAgo = System.currentTimeMillis() - 2000;
		long dispatched = Inbound.dispatchNanos(twoSecondsAgo + "-0");
		assertThat(System.nanoTime() - dispatched).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1990));
	}

	@Test
	void threeNodesShareTheWorkAndEachTaskRunsOnce() {
		RedisNodes nodes = nodes("three");
		String web = id("web");
		String a = id("a");
		String b = id("b");
		ConfigurableApplicationContext origin = nodes.start(web, "async-task.redis.consume=false");
		nodes.start(a, "async-task.redis.batch-size=1", "async-task.task-worker-num=1");
		nodes.start(b, "async-task.redis.batch-size=1", "async-task.task-worker-num=1");
		List<Work> work = IntStream.range(0, 30).mapToObj((i) -> new Work("w" + i + "-" + web, 20)).toList();
		List<TaskResult<String>> results = RedisNodes.template(origin).dispatchAllAndWait(work, WAIT);
		assertThat(results).allMatch(TaskResult::isSuccess);
		assertThat(RedisNodes.runsOn(a)).isNotEmpty();
		assertThat(RedisNodes.runsOn(b)).isNotEmpty();
		assertThat(RedisNodes.runsOn(a).size() + RedisNodes.runsOn(b).size()).isEqualTo(30);
		for (Work w : work) {
			assertThat(RedisNodes.runsOf(w.label())).as(w.label()).isEqualTo(1);
		}
		assertThat(RedisNodes.finished(origin).count.get()).isZero(); // a gather, not the listeners
	}

	@Test
	void aNodeThatRunsWhatItDispatchesCountsEachTaskOnce() {
		RedisNodes nodes = nodes("single");
		ConfigurableApplicationContext node = nodes.start(id("solo"));
		List<Echo> echoes = IntStream.range(0, 20).mapToObj((i) -> new Echo("solo-" + i)).toList();
		assertThat(RedisNodes.template(node).dispatchAllAndWait(echoes, WAIT)).allMatch(TaskResult::isSuccess);
		TaskServerStats stats = node.getBean(TaskServer.class).stats();
		assertThat(stats.dispatched()).isEqualTo(20);
		assertThat(stats.completed()).isEqualTo(20);
		assertThat(stats.failed()).isZero();
		assertThat(RedisNodes.transport(node).awaitingReplies()).isZero();
	}

	@Test
	void streamStatsShowLengthPendingLagAndConsumers() {
		RedisNodes nodes = nodes("stats");
		ConfigurableApplicationContext node = nodes.start(id("solo"));
		assertThat(RedisNodes.template(node).<Receipt>dispatchAndWait(new Echo("s"), WAIT).text()).isEqualTo("s");
		// the entry is acknowledged and deleted after its reply was written: just after the outcome arrived, at most
		await().atMost(WAIT).untilAsserted(() -> {
			RedisStreamStats echo = RedisNodes.transport(node).streamStats()
				.stream()
				.filter((s) -> s.taskName().equals("Echo"))
				.findFirst()
				.orElseThrow();
			assertThat(echo.length()).isZero();
			assertThat(echo.pending()).isZero();
			assertThat(echo.lag()).isZero();
			assertThat(echo.consumers()).extracting(RedisStreamStats.Consumer::name).containsExactly(
					RedisNodes.transport(node).settings().nodeId());
		});
	}

	@Test
	void streamsNoHandlerKnowsAreReportedAtStartup() {
		RedisNodes nodes = nodes("unknown");
		try (Raw raw = new Raw()) {
			raw.add(nodes.prefix + ":task:RenamedLastWeek", "p", "{}");
		}
		ConfigurableApplicationContext node = nodes.start(id("solo"));
		assertThat(RedisNodes.transport(node).unknownStreams()).containsExactly("RenamedLastWeek");
	}

	@Test
	void aRemoteFailureArrivesAsTaskFailedExceptionCausedByRemoteTaskException() {
		RedisNodes nodes = nodes("fail");
		ConfigurableApplicationContext origin = nodes.start(id("web"), "async-task.redis.consume=false");
		String worker = id("worker");
		nodes.start(worker);
		TaskTemplate tasks = RedisNodes.template(origin);
		assertThatThrownBy(() -> tasks.dispatchAndWait(new Boom("out of paper"), WAIT))
			.isInstanceOf(TaskFailedException.class)
			.cause()
			.isInstanceOf(RemoteTaskException.class)
			.hasMessageContaining("java.lang.IllegalStateException")
			.hasMessageContaining("out of paper")
			.hasMessageContaining(worker);
		tasks.dispatch(new Boom("listener"));
		await().atMost(WAIT).until(() -> RedisNodes.finished(origin).outcomes.size() == 1);
		TaskResult<?> outcome = RedisNodes.finished(origin).outcomes.get(0);
		assertThat(outcome.status()).isEqualTo(TaskStatus.FAILED);
		RemoteTaskException remote = (RemoteTaskException) outcome.error();
		assertThat(remote.getRemoteClassName()).isEqualTo("java.lang.IllegalStateException");
		assertThat(remote.getRemoteMessage()).isEqualTo("listener");
		assertThat(remote.getStackTrace()).isNotEmpty();
	}

	@Test
	void onWorkerIsRefusedInRedisMode() {
		RedisNodes nodes = nodes("routing");
		TaskTemplate tasks = RedisNodes.template(nodes.start(id("web")));
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.onWorker(0).dispatch(new Echo("x")))
			.withMessageContaining("onWorker(0) has no meaning in redis mode");
	}

	@Test
	void aPayloadOverMaxPayloadBytesIsRefusedAtDispatch() {
		RedisNodes nodes = nodes("big");
		TaskTemplate tasks = RedisNodes.template(nodes.start(id("web"), "async-task.redis.max-payload-bytes=100"));
		assertThatIllegalArgumentException().isThrownBy(() -> tasks.dispatch(new Echo("x".repeat(200))))
			.withMessageContaining("more than async-task.redis.max-payload-bytes (100)");
	}

	@Test
	void cancelRemovesAnEntryNoWorkerReadYet() {
		RedisNodes nodes = nodes("cancel");
		ConfigurableApplicationContext origin = nodes.start(id("web"), "async-task.redis.consume=false");
		TaskTemplate tasks = RedisNodes.template(origin);
		List<TaskResult<Object>> outcomes = new CopyOnWriteArrayList<>();
		long id = tasks.dispatch(new Echo("never"), outcomes::add);
		try (Raw raw = new Raw()) {
			await().atMost(WAIT).until(() -> raw.length(nodes.prefix + ":task:Echo") == 1);
			assertThat(tasks.cancel(id)).isTrue();
			assertThat(raw.length(nodes.prefix + ":task:Echo")).isZero();
		}
		assertThat(outcomes).singleElement().satisfies((r) -> assertThat(r.status()).isEqualTo(TaskStatus.CANCELLED));
		assertThat(tasks.cancel(id)).isFalse();
		assertThat(tasks.cancel(123456789L)).isFalse();
	}

	@Test
	void anEntryDeliveredMoreThanMaxDeliveriesIsDeadLetteredAndItsDispatcherGetsFailed() {
		RedisNodes nodes = nodes("poison");
		ConfigurableApplicationContext origin = nodes.start(id("web"), "async-task.redis.consume=false");
		TaskTemplate tasks = RedisNodes.template(origin);
		String stream = nodes.prefix + ":task:Echo";
		List<TaskResult<Object>> outcomes = new CopyOnWriteArrayList<>();
		try (Raw raw = new Raw()) {
			raw.createGroup(stream);
			tasks.dispatch(new Echo("poison"), outcomes::add);
			await().atMost(WAIT).until(() -> raw.length(stream) == 1);
			// a consumer that keeps dying with it: read, then delivered 5 times in all
			String entry = raw.readAs(stream, "crashing-node").get(0).getId().getValue();
			raw.connection.streamCommands().xClaimJustId(RedisKeys.bytes(stream), RedisKeys.GROUP, "crashing-node",
					XClaimOptions.minIdle(Duration.ZERO).ids(entry).retryCount(5));
			String worker = id("worker");
			nodes.start(worker, "async-task.redis.max-deliveries=5", "async-task.redis.claim-idle=300ms");
			await().atMost(WAIT).until(() -> outcomes.size() == 1);
			TaskResult<Object> outcome = outcomes.get(0);
			assertThat(outcome.status()).isEqualTo(TaskStatus.FAILED);
			assertThat(outcome.error()).isInstanceOf(RemoteTaskException.class)
				.hasMessageContaining("dead-lettered")
				.hasMessageContaining("delivered 6 times, more than async-task.redis.max-deliveries=5");
			await().atMost(WAIT).until(() -> raw.length(nodes.prefix + ":dead:Echo") == 1);
			Map<String, String> dead = raw.first(nodes.prefix + ":dead:Echo");
			assertThat(dead).containsEntry("id", entry).containsEntry("node", worker).containsKey("p");
			assertThat(dead.get("reason")).contains("delivered 6 times");
			assertThat(RedisNodes.runsOf("poison")).isZero();
			// the consumer goes on
			assertThat(tasks.<Receipt>dispatchAndWait(new Echo("after"), WAIT).node()).isEqualTo(worker);
			await().atMost(WAIT).until(() -> raw.pending(stream) == 0);
		}
	}

	@Test
	void malformedEntriesAreDeadLetteredWithTheirReasonAndTheConsumerGoesOn() {
		RedisNodes nodes = nodes("malformed");
		ConfigurableApplicationContext origin = nodes.start(id("web"), "async-task.redis.consume=false");
		nodes.start(id("worker"), "async-task.redis.max-payload-bytes=100");
		String stream = nodes.prefix + ":task:Echo";
		try (Raw raw = new Raw()) {
			raw.add(stream, "o", "someone", "g", "1", "i", "1", "p", "{not json");
			raw.add(stream, "o", "someone", "g", "1", "i", "2");
			raw.add(stream, "o", "someone", "g", "1", "i", "3", "p", "{\"text\":\"x\",\"class\":\"java.io.File\"}");
			raw.add(stream, "o", "someone", "g", "1", "i", "4", "p", "{\"text\":\"" + "x".repeat(200) + "\"}");
			raw.add(stream, "p", "{\"text\":\"no origin\"}");
			raw.add(stream, "o", "someone", "g", "1", "i", "5", "p", "null");
			await().atMost(WAIT).until(() -> raw.length(nodes.prefix + ":dead:Echo") == 6);
			List<String> reasons = raw.all(nodes.prefix + ":dead:Echo").stream().map((e) -> e.get("reason")).toList();
			assertThat(reasons.get(0)).startsWith("payload cannot be read as");
			assertThat(reasons.get(1)).contains("field 'p' (the payload) is missing");
			assertThat(reasons.get(2)).startsWith("payload cannot be read as").contains("class");
			assertThat(reasons.get(3)).contains("max-payload-bytes=100");
			assertThat(reasons.get(4)).contains("field 'o' is missing");
			assertThat(reasons.get(5)).contains("payload is null");
			assertThat(RedisNodes.template(origin).<Receipt>dispatchAndWait(new Echo("fine"), WAIT).text())
				.isEqualTo("fine");
			await().atMost(WAIT).until(() -> raw.pending(stream) == 0);
		}
	}

	@Test
	void aTaskLongerThanClaimIdleOnALiveNodeIsNotRunTwice() {
		RedisNodes nodes = nodes("lease");
		ConfigurableApplicationContext origin = nodes.start(id("web"), "async-task.redis.consume=false");
		nodes.start(id("a"), "async-task.redis.claim-idle=1s", "async-task.redis.batch-size=1");
		nodes.start(id("b"), "async-task.redis.claim-idle=1s", "async-task.redis.batch-size=1");
		String label = "long-" + nodes.prefix;
		String result = RedisNodes.template(origin).dispatchAndWait(new Work(label, 3500), WAIT);
		assertThat(result).isEqualTo(label);
		assertThat(RedisNodes.runsOf(label)).isEqualTo(1);
		assertThat(RedisNodes.ATTEMPTS.get(label)).containsExactly(1);
	}

	@Test
	void aNodeRestartedWithTheSameNodeIdPicksUpItsPendingEntries() {
		RedisNodes nodes = nodes("restart");
		ConfigurableApplicationContext origin = nodes.start(id("web"), "async-task.redis.consume=false");
		TaskTemplate tasks = RedisNodes.template(origin);
		String stream = nodes.prefix + ":task:Echo";
		String worker = id("worker");
		List<TaskResult<Receipt>> outcomes = new CopyOnWriteArrayList<>();
		try (Raw raw = new Raw()) {
			raw.createGroup(stream);
			for (int i = 0; i < 3; i++) {
				tasks.dispatch(new Echo("pending-" + i), (TaskResult<Receipt> r) -> outcomes.add(r));
			}
			await().atMost(WAIT).until(() -> raw.length(stream) == 3);
			// the node read them, then died before it ran them
			assertThat(raw.readAs(stream, worker)).hasSize(3);
			assertThat(raw.pending(stream)).isEqualTo(3);
			// it comes back under the same name; claim-idle is long, so no takeover: it re-reads its own entries
			nodes.start(worker, "async-task.redis.claim-idle=1h");
			await().atMost(WAIT).until(() -> outcomes.size() == 3);
			assertThat(outcomes).allMatch(TaskResult::isSuccess);
			assertThat(outcomes).extracting((r) -> r.value().node()).containsOnly(worker);
			assertThat(outcomes).allSatisfy((r) -> assertThat(r.attempts()).isGreaterThanOrEqualTo(2));
			await().atMost(WAIT).until(() -> raw.pending(stream) == 0);
		}
	}

	@Test
	void aNodeStoppedBeforeItCouldFinishWhatItReadHandsItBack() {
		RedisNodes nodes = nodes("handback");
		ConfigurableApplicationContext origin = nodes.start(id("web"), "async-task.redis.consume=false");
		String quitter = id("quitter");
		ConfigurableApplicationContext quitting = nodes.start(quitter, "async-task.task-worker-num=1",
				"async-task.redis.batch-size=3", "async-task.shutdown-timeout=200ms");
		List<TaskResult<String>> outcomes = new CopyOnWriteArrayList<>();
		List<String> labels = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String label = "hb" + i + "-" + quitter;
			labels.add(label);
			RedisNodes.template(origin).dispatch(new Work(label, 3000), (TaskResult<String> r) -> outcomes.add(r));
		}
		await().atMost(WAIT).until(() -> RedisNodes.runsOn(quitter).size() == 1);
		// one worker: it runs one and holds one more (its prefetch); the third stays unread in Redis
		await().atMost(WAIT).until(() -> RedisNodes.transport(quitting).held() == 2);
		String interrupted = RedisNodes.runsOn(quitter).get(0);
		// at its shutdown-timeout the running task is interrupted and, like the one it read and never started, goes
		// back to the stream
		nodes.stop(quitting);
		String rescuer = id("rescuer");
		nodes.start(rescuer, "async-task.redis.claim-idle=1h");
		await().atMost(WAIT).until(() -> outcomes.size() == 3);
		assertThat(outcomes).allMatch(TaskResult::isSuccess);
		assertThat(outcomes).extracting(TaskResult::value).containsExactlyInAnyOrderElementsOf(labels);
		assertThat(RedisNodes.runsOf(interrupted)).isEqualTo(2);
		assertThat(outcomes).filteredOn((r) -> !r.value().equals(interrupted))
			.allSatisfy((r) -> assertThat(RedisNodes.runsOf(r.value())).isEqualTo(1));
		// the two handed back run with attempt 2, the one never read with attempt 1
		assertThat(outcomes).extracting(TaskResult::attempts).containsExactlyInAnyOrder(1, 2, 2);
		assertThat(RedisNodes.runsOn(rescuer)).hasSize(3);
	}

	@Test
	void anEntryDeliveredToALiveNodeThatNeverSawItIsRecoveredWithoutWaitingForClaimIdle() {
		RedisNodes nodes = nodes("lost");
		ConfigurableApplicationContext origin = nodes.start(id("web"), "async-task.redis.consume=false");
		String worker = id("worker");
		// claim-idle is long for takeover, but a node recovers what was delivered to its own name after two lease
		// periods (claim-idle / 3 each)
		ConfigurableApplicationContext workerNode = nodes.start(worker, "async-task.task-worker-num=1",
				"async-task.redis.batch-size=1", "async-task.redis.claim-idle=900ms");
		TaskTemplate tasks = RedisNodes.template(origin);
		String busy = "busy-" + worker;
		tasks.dispatch(new Work(busy, 1500));
		tasks.dispatch(new Work(busy + "-next", 1));
		// one worker: it runs one and holds one more (its prefetch), all it may: it reads no more
		await().atMost(WAIT).until(() -> RedisNodes.runsOf(busy) == 1
				&& RedisNodes.transport(workerNode).held() == 2);
		List<TaskResult<Receipt>> outcomes = new CopyOnWriteArrayList<>();
		String stream = nodes.prefix + ":task:Echo";
		try (Raw raw = new Raw()) {
			tasks.dispatch(new Echo("lost"), (TaskResult<Receipt> r) -> outcomes.add(r));
			await().atMost(WAIT).until(() -> raw.length(stream) == 1);
			// delivered to the node's name, but the reply of that read never reached it (a dropped connection)
			assertThat(raw.readAs(stream, worker)).hasSize(1);
		}
		await().atMost(WAIT).until(() -> outcomes.size() == 1);
		assertThat(outcomes.get(0).isSuccess()).isTrue();
		assertThat(outcomes.get(0).value().node()).isEqualTo(worker);
		assertThat(outcomes.get(0).attempts()).isEqualTo(2);
		assertThat(RedisNodes.runsOf("lost")).isEqualTo(1);
	}

	@Test
	void aNodeWhoseConnectionsAreKilledMidRunReconnectsAndLosesNothing() {
		RedisNodes nodes = nodes("kill");
		String client = "at-test-" + Long.toHexString(System.nanoTime());
		ConfigurableApplicationContext origin = nodes.start(id("web"), "async-task.redis.consume=false",
				"spring.data.redis.client-name=" + client);
		nodes.start(id("worker"), "spring.data.redis.client-name=" + client, "async-task.redis.claim-idle=3s");
		TaskTemplate tasks = RedisNodes.template(origin);
		List<TaskResult<String>> outcomes = new CopyOnWriteArrayList<>();
		List<String> labels = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			String label = "k" + i + "-" + client;
			labels.add(label);
			tasks.dispatch(new Work(label, 5), (TaskResult<String> r) -> outcomes.add(r));
		}
		try (Raw raw = new Raw()) {
			await().atMost(WAIT).until(() -> outcomes.size() >= 20);
			assertThat(raw.killClients(client)).isGreaterThan(0);
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> outcomes.size() == 200);
		assertThat(outcomes).allMatch(TaskResult::isSuccess);
		for (String label : labels) {
			assertThat(RedisNodes.runsOf(label)).as(label).isGreaterThanOrEqualTo(1);
		}
	}

	/** Direct access to the test Redis. */
	static final class Raw implements AutoCloseable {

		final LettuceConnectionFactory factory = RedisTestServer.get().connectionFactory();

		final RedisConnection connection = this.factory.getConnection();

		long length(String stream) {
			Long length = this.connection.streamCommands().xLen(RedisKeys.bytes(stream));
			return (length != null) ? length : 0;
		}

		long pending(String stream) {
			return this.connection.streamCommands().xPending(RedisKeys.bytes(stream), RedisKeys.GROUP)
				.getTotalPendingMessages();
		}

		void createGroup(String stream) {
			RedisStreamOps.createGroup(this.connection, RedisKeys.bytes(stream));
		}

		void add(String stream, String... namesAndValues) {
			RedisStreamOps.add(this.connection, RedisKeys.bytes(stream), Entries.entry((Object[]) namesAndValues), 0);
		}

		List<ByteRecord> readAs(String stream, String consumer) {
			return this.connection.streamCommands().xReadGroup(Consumer.from(RedisKeys.GROUP, consumer),
					StreamReadOptions.empty().count(100), StreamOffset.create(RedisKeys.bytes(stream),
							ReadOffset.lastConsumed()));
		}

		List<Map<String, String>> all(String stream) {
			List<Map<String, String>> entries = new ArrayList<>();
			for (ByteRecord record : this.connection.streamCommands().xRange(RedisKeys.bytes(stream),
					Range.unbounded())) {
				Map<String, String> fields = new java.util.HashMap<>();
				Entries.fields(record.getValue()).forEach((name, value) -> fields.put(name, RedisKeys.text(value)));
				entries.add(fields);
			}
			return entries;
		}

		Map<String, String> first(String stream) {
			return all(stream).get(0);
		}

		/**
		 * Kills every connection named so (and only those: other tests share this Redis). One that is gone by the
		 * time its turn comes (its owner closed it after an earlier kill broke its other connection) is skipped.
		 */
		int killClients(String name) {
			int killed = 0;
			for (var client : this.connection.serverCommands().getClientList()) {
				if (name.equals(client.getName())) {
					String[] address = client.getAddressPort().split(":");
					try {
						this.connection.serverCommands().killClient(address[0], Integer.parseInt(address[1]));
						killed++;
					}
					catch (RuntimeException ex) {
						if (!RedisStreamOps.messageContains(ex, "No such client")) {
							throw ex;
						}
					}
				}
			}
			return killed;
		}

		@Override
		public void close() {
			this.connection.close();
			this.factory.destroy();
		}

	}

}
