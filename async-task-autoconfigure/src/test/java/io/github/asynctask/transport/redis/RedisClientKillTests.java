package io.github.asynctask.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.asynctask.transport.redis.RedisNodes.Echo;
import io.github.asynctask.transport.redis.RedisNodes.Receipt;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code CLIENT KILL} of each connection a node uses, one at a time, on the dispatch node and on both worker nodes,
 * while tasks flow: each node reconnects (tasks keep finishing after every kill, and the node has connections
 * again), and every accepted task ends with exactly one outcome, a success. The connections are found by the client
 * name each node is given ({@code spring.data.redis.client-name}), on a Redis of the test's own.
 */
class RedisClientKillTests {

	@Test
	void eachConnectionOfEveryNodeKilledInTurnWhileTasksFlowLosesNoTaskAndReportsEachOnce() throws Exception {
		RedisOwnServer redis = RedisOwnServer.start(false);
		assumeTrue(redis != null, "no redis-server binary");
		RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", redis.port()));
		try (redis; RedisNodes nodes = RedisNodes.onServer(redis, "client-kill");
				StatefulRedisConnection<String, String> admin = client.connect()) {
			List<String> names = List.of("origin", "worker-1", "worker-2");
			ConfigurableApplicationContext origin = nodes.start("origin", "async-task.redis.consume=false",
					"spring.data.redis.client-name=origin");
			ConfigurableApplicationContext worker1 = nodes.start("worker-1", "async-task.redis.claim-idle=5s",
					"spring.data.redis.client-name=worker-1");
			ConfigurableApplicationContext worker2 = nodes.start("worker-2", "async-task.redis.claim-idle=5s",
					"spring.data.redis.client-name=worker-2");
			RedisCommands<String, String> redisAdmin = admin.sync();
			OutcomeLedger ledger = new OutcomeLedger();
			int kills = 0;
			try (LoadDriver load = new LoadDriver(RedisNodes.template(origin), ledger, Long.MAX_VALUE, 1000).start()) {
				await().atMost(Duration.ofSeconds(60)).until(() -> ledger.heard() >= 500);
				for (String name : names) {
					List<Long> ids = clientIds(redisAdmin, name);
					assertThat(ids).as("connections of node " + name).isNotEmpty();
					for (long id : ids) {
						long before = ledger.heard();
						if (redisAdmin.clientKill(KillArgs.Builder.id(id)) > 0) {
							kills++;
						}
						// the flow goes on: the node reconnected whatever that connection did
						await().atMost(Duration.ofSeconds(60)).until(() -> ledger.heard() >= before + 300);
					}
					assertThat(clientIds(redisAdmin, name)).as("connections of node " + name + " after the kills")
						.isNotEmpty()
						.doesNotContainAnyElementsOf(ids);
				}
			}
			await().atMost(Duration.ofSeconds(90)).until(() -> ledger.decided() == ledger.acceptedCount());
			ledger.assertExactlyOneOutcomeEach();
			ledger.assertAllSucceeded();
			Receipt receipt = RedisNodes.template(origin).dispatchAndWait(new Echo("after"), Duration.ofSeconds(30));
			assertThat(receipt.text()).isEqualTo("after");
			await().atMost(Duration.ofSeconds(30)).until(() -> RedisNodes.transport(origin).awaitingReplies() == 0);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> RedisNodes.transport(worker1).held() == 0 && RedisNodes.transport(worker2).held() == 0);
			System.out.println("Client kill test: " + kills + " connections killed; " + ledger);
		}
		finally {
			client.shutdown();
		}
	}

	/** Ids of the connections named so, from {@code CLIENT LIST}. */
	private static List<Long> clientIds(RedisCommands<String, String> redis, String name) {
		List<Long> ids = new ArrayList<>();
		for (String line : redis.clientList().split("\n")) {
			long id = -1;
			String clientName = null;
			for (String field : line.trim().split(" ")) {
				if (field.startsWith("id=")) {
					id = Long.parseLong(field.substring(3));
				}
				else if (field.startsWith("name=")) {
					clientName = field.substring(5);
				}
			}
			if (name.equals(clientName) && id >= 0) {
				ids.add(id);
			}
		}
		return ids;
	}

}
