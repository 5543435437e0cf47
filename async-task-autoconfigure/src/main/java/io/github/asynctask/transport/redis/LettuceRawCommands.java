package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.NestedMultiOutput;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;

/**
 * What Spring Data Redis does not do for the transport on Lettuce: raw commands whose nested array reply its
 * generic {@code execute} would not read, and a pipeline with a result per command ({@link RedisPipeline}). Loaded
 * only when Lettuce is on the class path.
 */
final class LettuceRawCommands {

	private static final long TIMEOUT_SECONDS = 60;

	private static final long REFLUSH_MILLIS = 200;

	private LettuceRawCommands() {
	}

	static Object execute(RedisConnection connection, String command, byte[]... args) {
		if (connection instanceof LettuceConnection lettuce) {
			return lettuce.execute(command, new NestedMultiOutput<>(ByteArrayCodec.INSTANCE), args);
		}
		return connection.execute(command, args);
	}

	/** Whether {@code subscribe} on this connection returns at once (Lettuce), rather than block its thread. */
	static boolean subscribesWithoutBlocking(RedisConnection connection) {
		return connection instanceof LettuceConnection;
	}

	/** A pipeline on the connection's own (dedicated) Lettuce connection, or {@code null} if it is no Lettuce one. */
	static @Nullable RedisPipeline pipeline(RedisConnection connection) {
		return (connection instanceof LettuceConnection lettuce) ? new Pipeline(lettuce) : null;
	}

	private static final class Pipeline implements RedisPipeline {

		private final LettuceConnection connection;

		private final RedisClusterAsyncCommands<byte[], byte[]> commands;

		/** The connection whose flushing this pipeline controls ({@code null}: one it cannot reach, left as it is). */
		private final @Nullable StatefulConnection<byte[], byte[]> stateful;

		private final List<RedisFuture<?>> futures = new ArrayList<>();

		Pipeline(LettuceConnection connection) {
			this.connection = connection;
			// pipelined, Spring Data Redis hands out the dedicated connection (this thread's alone): its commands are
			// buffered here and written with one flush in results(), not one write to the socket per command
			connection.openPipeline();
			this.commands = connection.getNativeConnection();
			// on the connection, not the commands: Lettuce 7 dropped the commands' own flush methods
			this.stateful = stateful(this.commands);
			if (this.stateful != null) {
				this.stateful.setAutoFlushCommands(false);
			}
		}

		@Override
		public void add(byte[] key, Map<byte[], byte[]> fields, long maxlen) {
			XAddArgs args = new XAddArgs();
			if (maxlen > 0) {
				args.maxlen(maxlen).approximateTrimming();
			}
			this.futures.add(this.commands.xadd(key, args, fields));
		}

		@Override
		public void eval(byte[] script, byte[][] keys, byte[]... args) {
			this.futures.add(this.commands.eval(script, ScriptOutputType.MULTI, keys, args));
		}

		@Override
		public void ack(byte[] key, String... ids) {
			this.futures.add(this.commands.xack(key, RedisKeys.bytes(RedisKeys.GROUP), ids));
		}

		@Override
		public void delete(byte[] key, String... ids) {
			this.futures.add(this.commands.xdel(key, ids));
		}

		@Override
		public List<Object> results() {
			try {
				flush();
				this.connection.closePipeline(); // flushes what a buffering flush policy held back
				return await();
			}
			finally {
				if (this.stateful != null) {
					this.stateful.setAutoFlushCommands(true);
				}
			}
		}

		private List<Object> await() {
			List<Object> results = new ArrayList<>(this.futures.size());
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
			for (RedisFuture<?> future : this.futures) {
				try {
					results.add(result(future, deadline));
				}
				catch (ExecutionException ex) {
					if (ex.getCause() instanceof RedisCommandExecutionException refused) {
						results.add(new RedisSystemException(refused.getMessage(), refused));
					}
					else {
						throw new RedisSystemException("A pipelined command failed: " + ex.getCause(), ex.getCause());
					}
				}
				catch (TimeoutException ex) {
					throw new QueryTimeoutException("Redis did not answer a pipeline within " + TIMEOUT_SECONDS + "s");
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new RedisSystemException("Interrupted while waiting for Redis", ex);
				}
			}
			return results;
		}

		/**
		 * Waits for one result, flushing again every {@link #REFLUSH_MILLIS}: commands the connection re-queued
		 * after a reconnect are not flushed by Lettuce while auto-flush is off.
		 */
		private Object result(RedisFuture<?> future, long deadline)
				throws ExecutionException, TimeoutException, InterruptedException {
			while (true) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new TimeoutException();
				}
				try {
					return future.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(REFLUSH_MILLIS)),
							TimeUnit.NANOSECONDS);
				}
				catch (TimeoutException ex) {
					flush();
				}
			}
		}

		private void flush() {
			if (this.stateful != null) {
				this.stateful.flushCommands();
			}
		}

		private static @Nullable StatefulConnection<byte[], byte[]> stateful(
				RedisClusterAsyncCommands<byte[], byte[]> commands) {
			if (commands instanceof RedisAsyncCommands<byte[], byte[]> standalone) {
				return standalone.getStatefulConnection();
			}
			if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
				return cluster.getStatefulConnection();
			}
			return null;
		}

	}

}
