package io.github.asynctask.transport.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import redis.embedded.RedisServer;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis the tests use, found once per JVM: {@code ASYNC_TASK_REDIS_URL} if set, else 127.0.0.1:6379 if it answers
 * PING, else an embedded Redis (6.2, shipped in the {@code embedded-redis} test jar) started on a free port and
 * stopped when the JVM exits. So a fresh machine with only a JDK runs the Redis tests too.
 * <p>
 * {@code -Dasync-task.test.redis=embedded} (or {@code ASYNC_TASK_REDIS_EMBEDDED=true}) skips the first two, to prove
 * that the fallback works where a Redis runs.
 */
public final class RedisTestServer {

	private static @Nullable RedisTestServer instance;

	private final String host;

	private final int port;

	private final String description;

	private RedisTestServer(String host, int port, String description) {
		this.host = host;
		this.port = port;
		this.description = description;
	}

	public static synchronized RedisTestServer get() {
		if (instance == null) {
			instance = find();
			System.out.println("Redis tests use " + instance.description);
		}
		return instance;
	}

	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	public String url() {
		return "redis://" + this.host + ":" + this.port;
	}

	public boolean embedded() {
		return this.description.startsWith("an embedded");
	}

	/** A key prefix no other test uses. */
	public static String uniquePrefix(String test) {
		return "at-test-" + test + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** A started connection factory of its own (close it after). */
	public LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(this.host, this.port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** Spring Boot properties that point an application at this Redis. */
	public String[] springProperties() {
		return new String[] { "spring.data.redis.host=" + this.host, "spring.data.redis.port=" + this.port };
	}

	private static RedisTestServer find() {
		boolean embeddedOnly = "embedded".equals(System.getProperty("async-task.test.redis"))
				|| "true".equalsIgnoreCase(System.getenv("ASYNC_TASK_REDIS_EMBEDDED"));
		if (!embeddedOnly) {
			String url = System.getenv("ASYNC_TASK_REDIS_URL");
			if (url != null && !url.isBlank()) {
				URI uri = URI.create(url);
				return new RedisTestServer(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 6379,
						"ASYNC_TASK_REDIS_URL " + url);
			}
			if (answersPing("127.0.0.1", 6379)) {
				return new RedisTestServer("127.0.0.1", 6379, "the Redis at 127.0.0.1:6379");
			}
		}
		return startEmbedded();
	}

	private static RedisTestServer startEmbedded() {
		try {
			int port = freePort();
			RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"")
				.setting("appendonly no").build();
			server.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					server.stop();
				}
				catch (IOException ex) {
					// the JVM is exiting
				}
			}));
			if (!answersPing("127.0.0.1", port)) {
				throw new IllegalStateException("The embedded Redis on port " + port + " does not answer PING");
			}
			return new RedisTestServer("127.0.0.1", port, "an embedded Redis on 127.0.0.1:" + port);
		}
		catch (IOException ex) {
			throw new IllegalStateException("No Redis for the tests: set ASYNC_TASK_REDIS_URL, run one on "
					+ "127.0.0.1:6379, or let the embedded one start (it failed: " + ex + ")", ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	static boolean answersPing(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 300);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[7];
			int read = in.read(reply);
			return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

}
