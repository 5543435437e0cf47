package io.github.asynctask.transport.redis;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.awaitility.Awaitility.await;

/**
 * A standalone {@code redis-server} that a test starts for itself on a free port (never the shared 6379), in a
 * temporary directory, so that it may kill, restart and reconfigure it: with persistence ({@code appendonly yes},
 * {@code appendfsync always}: a restart keeps every write Redis acknowledged) or without (a restart is a wipe). The
 * binary is the one {@link RedisClusterTestServer} finds; {@link #start} returns {@code null} where there is none (the
 * caller skips with a NOTICE).
 */
final class RedisOwnServer implements AutoCloseable {

	private final String binary;

	private final Path dir;

	private final int port;

	private final boolean persistent;

	private @Nullable Process process;

	private RedisOwnServer(String binary, Path dir, int port, boolean persistent) {
		this.binary = binary;
		this.dir = dir;
		this.port = port;
		this.persistent = persistent;
	}

	/** Starts one, or says why it cannot and returns {@code null}. */
	static @Nullable RedisOwnServer start(boolean persistent) {
		try {
			Path dir = Files.createTempDirectory("async-task-own-redis");
			String binary = RedisClusterTestServer.binary(dir);
			if (binary == null) {
				System.out.println("NOTICE: no redis-server binary found (PATH, /usr/bin, embedded-redis jar): "
						+ "the test that restarts Redis is skipped");
				return null;
			}
			RedisOwnServer server = new RedisOwnServer(binary, dir, freePort(), persistent);
			server.launch();
			return server;
		}
		catch (IOException ex) {
			System.out.println("NOTICE: no Redis of the test's own (" + ex + "): the test is skipped");
			return null;
		}
	}

	int port() {
		return this.port;
	}

	/** Spring Boot properties that point an application at this Redis. */
	String[] springProperties() {
		return new String[] { "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + this.port };
	}

	/** A started connection factory of its own (destroy it after). */
	LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", this.port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** Kills the server with SIGKILL (no save, no goodbye to its clients) and waits until it is gone. */
	void kill() throws InterruptedException {
		Process process = this.process;
		this.process = null;
		if (process != null) {
			process.destroyForcibly();
			process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	/**
	 * Starts the server again on the same port and directory (with its data if persistent).
	 * @param settings more {@code redis-server} arguments for this run, e.g. {@code --key-load-delay 100000} (a
	 * hidden setting Redis's own tests use: microseconds per key while loading, so it answers {@code LOADING} for a
	 * while)
	 */
	void restart(String... settings) throws IOException {
		launch(settings);
	}

	private void launch(String... settings) throws IOException {
		List<String> command = new ArrayList<>(List.of(this.binary, "--port", Integer.toString(this.port), "--bind",
				"127.0.0.1", "--dir", this.dir.toString(), "--save", "", "--protected-mode", "no"));
		if (this.persistent) {
			command.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
		}
		else {
			command.addAll(List.of("--appendonly", "no"));
		}
		command.addAll(List.of(settings));
		this.process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.dir.resolve("redis.log").toFile()))
			.start();
		// up once it answers, PONG or LOADING (still loading its data: clients get that error meanwhile)
		await().atMost(Duration.ofSeconds(60)).until(() -> answers(this.port));
	}

	private static boolean answers(int port) {
		try (java.net.Socket socket = new java.net.Socket()) {
			socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 300);
			socket.setSoTimeout(1000);
			socket.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			byte[] reply = new byte[8];
			int read = socket.getInputStream().read(reply);
			String text = (read > 0) ? new String(reply, 0, read, java.nio.charset.StandardCharsets.US_ASCII) : "";
			return text.startsWith("+PONG") || text.startsWith("-LOADING");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Override
	public void close() throws InterruptedException {
		kill();
		try (Stream<Path> files = Files.walk(this.dir)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// a temp directory left behind
		}
	}

}
