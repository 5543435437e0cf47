package io.github.asynctask.transport.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * A Redis Cluster of three masters (no replicas) that a test starts for itself, from a {@code redis-server} binary:
 * the one on the {@code PATH} (or {@code /usr/bin}), else the Linux or macOS one the {@code embedded-redis} test jar
 * ships. Each node runs on a free port in a temporary directory; the test assigns the slots ({@code CLUSTER
 * ADDSLOTS}) and introduces the nodes ({@code CLUSTER MEET}) itself, then waits for {@code cluster_state:ok}.
 * {@link #start()} returns {@code null} where no binary can run one; the caller skips with a NOTICE.
 */
final class RedisClusterTestServer implements AutoCloseable {

	private static final int SLOTS = 16384;

	private final Path dir;

	private final List<Process> processes = new ArrayList<>();

	private final List<Integer> ports = new ArrayList<>();

	private RedisClusterTestServer(Path dir) {
		this.dir = dir;
	}

	/** Starts a cluster, or says why it cannot and returns {@code null}. */
	static @Nullable RedisClusterTestServer start() {
		String binary;
		Path dir;
		try {
			dir = Files.createTempDirectory("async-task-cluster");
			binary = binary(dir);
		}
		catch (IOException ex) {
			System.out.println("NOTICE: no Redis Cluster for this test: " + ex);
			return null;
		}
		if (binary == null) {
			System.out.println("NOTICE: no redis-server binary found (PATH, /usr/bin, embedded-redis jar): the Redis "
					+ "Cluster test is skipped");
			return null;
		}
		RedisClusterTestServer cluster = new RedisClusterTestServer(dir);
		try {
			for (int i = 0; i < 3; i++) {
				cluster.startNode(binary);
			}
			cluster.form();
			System.out.println("Redis Cluster tests use three masters from " + binary + " on ports " + cluster.ports);
			return cluster;
		}
		catch (Exception ex) {
			cluster.close();
			System.out.println("NOTICE: " + binary + " could not run a Redis Cluster (" + ex + "): the Redis Cluster "
					+ "test is skipped");
			return null;
		}
	}

	/** {@code host:port} of every master. */
	List<String> nodes() {
		return this.ports.stream().map((port) -> "127.0.0.1:" + port).toList();
	}

	/** Spring Boot properties that point an application at this cluster. */
	String[] springProperties() {
		return new String[] { "spring.data.redis.cluster.nodes=" + String.join(",", nodes()) };
	}

	private void startNode(String binary) throws IOException {
		int port = freePort();
		Path nodeDir = Files.createDirectories(this.dir.resolve(Integer.toString(port)));
		Process process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
				"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
				"--dir", nodeDir.toString(), "--save", "", "--appendonly", "no", "--protected-mode", "no")
			.redirectErrorStream(true)
			.redirectOutput(nodeDir.resolve("redis.log").toFile())
			.start();
		this.processes.add(process);
		this.ports.add(port);
		await().atMost(Duration.ofSeconds(10)).until(() -> RedisTestServer.answersPing("127.0.0.1", port));
	}

	private void form() {
		RedisClient client = RedisClient.create();
		try {
			List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
			for (int port : this.ports) {
				connections.add(client.connect(RedisURI.create("127.0.0.1", port)));
			}
			int per = SLOTS / this.ports.size();
			for (int i = 0; i < connections.size(); i++) {
				int from = i * per;
				int to = (i == connections.size() - 1) ? SLOTS - 1 : from + per - 1;
				int[] slots = new int[to - from + 1];
				for (int s = 0; s < slots.length; s++) {
					slots[s] = from + s;
				}
				connections.get(i).sync().clusterAddSlots(slots);
			}
			RedisCommands<String, String> first = connections.get(0).sync();
			for (int i = 1; i < this.ports.size(); i++) {
				first.clusterMeet("127.0.0.1", this.ports.get(i));
			}
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
				.until(() -> connections.stream()
					.allMatch((connection) -> connection.sync().clusterInfo().contains("cluster_state:ok")
							&& connection.sync().clusterNodes().lines().count() == this.ports.size()));
			connections.forEach(StatefulRedisConnection::close);
		}
		finally {
			client.shutdown();
		}
	}

	static @Nullable String binary(Path dir) throws IOException {
		for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
			if (new File(candidate).canExecute()) {
				return candidate;
			}
		}
		String path = System.getenv("PATH");
		if (path != null) {
			for (String entry : path.split(File.pathSeparator)) {
				File file = new File(entry, "redis-server");
				if (file.canExecute()) {
					return file.getPath();
				}
			}
		}
		String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		String resource = null;
		if (os.contains("linux")) {
			resource = (arch.contains("aarch64") || arch.contains("arm64")) ? "redis-server-6.2.7-linux-arm64"
					: "redis-server-6.2.6-v5-linux-amd64";
		}
		else if (os.contains("mac")) {
			resource = (arch.contains("aarch64") || arch.contains("arm64")) ? "redis-server-6.2.6-v5-darwin-arm64"
					: "redis-server-6.2.6-v5-darwin-amd64";
		}
		if (resource == null) {
			return null;
		}
		try (InputStream in = RedisClusterTestServer.class.getResourceAsStream("/" + resource)) {
			if (in == null) {
				return null;
			}
			Path binary = dir.resolve("redis-server");
			Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
			return binary.toFile().setExecutable(true) ? binary.toString() : null;
		}
	}

	/** A free port whose cluster bus port (+10000) is free too. */
	private static int freePort() throws IOException {
		java.util.Random random = new java.util.Random();
		for (int attempt = 0; attempt < 200; attempt++) {
			int port = 20000 + random.nextInt(10000);
			if (free(port) && free(port + 10000)) {
				return port;
			}
		}
		throw new IOException("no free pair of ports (port, port + 10000) between 20000 and 40000");
	}

	private static boolean free(int port) {
		try (ServerSocket socket = new ServerSocket(port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		for (Process process : this.processes) {
			process.destroy();
		}
		for (Process process : this.processes) {
			try {
				if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				process.destroyForcibly();
			}
		}
		try (Stream<Path> files = Files.walk(this.dir)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// a temp directory left behind
		}
	}

}
