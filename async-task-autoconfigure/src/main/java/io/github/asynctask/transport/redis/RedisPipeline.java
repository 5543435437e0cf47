package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisPipelineException;
import org.springframework.data.redis.connection.ReturnType;

/**
 * The commands of one round trip of the {@link PipelinedWriter}, each with a result of its own: the entry id of an
 * {@code XADD}, the count of an {@code XACK} or {@code XDEL}, the array of an {@code EVAL}, or the exception of a command Redis refused. A refused
 * command never hides the results of the others (Spring Data Redis's pipeline, on Lettuce 6.8, throws them all
 * away when one command fails; with Lettuce this goes through its own futures instead).
 * <p>
 * Threading: one thread, one round trip: issue the commands, then {@link #results()} once.
 */
interface RedisPipeline {

	/** {@code XADD}, trimmed to about {@code maxlen} entries if {@code maxlen > 0}. */
	void add(byte[] key, Map<byte[], byte[]> fields, long maxlen);

	/** {@code EVAL} of a script whose reply is an array (its elements as the driver reads them). */
	void eval(byte[] script, byte[][] keys, byte[]... args);

	/** {@code XACK} of the transport's group. */
	void ack(byte[] key, String... ids);

	/** {@code XDEL}. */
	void delete(byte[] key, String... ids);

	/**
	 * Sends the commands and waits for their results, in order; an element is an exception where Redis refused that
	 * command.
	 * @throws RuntimeException if the connection failed (the results are unknown)
	 */
	List<Object> results();

	/** A pipeline on a connection of the application's factory, through Lettuce's futures where it can. */
	static RedisPipeline open(RedisConnection connection) {
		if (RedisStreamOps.LETTUCE) {
			RedisPipeline lettuce = LettuceRawCommands.pipeline(connection);
			if (lettuce != null) {
				return lettuce;
			}
		}
		return new Generic(connection);
	}

	/** Spring Data Redis's pipeline: if a command is refused and the driver tells no results, all count as refused. */
	final class Generic implements RedisPipeline {

		private final RedisConnection connection;

		private int commands;

		Generic(RedisConnection connection) {
			this.connection = connection;
			connection.openPipeline();
		}

		@Override
		public void add(byte[] key, Map<byte[], byte[]> fields, long maxlen) {
			RedisStreamOps.add(this.connection, key, fields, maxlen);
			this.commands++;
		}

		@Override
		public void eval(byte[] script, byte[][] keys, byte[]... args) {
			byte[][] keysAndArgs = new byte[keys.length + args.length][];
			System.arraycopy(keys, 0, keysAndArgs, 0, keys.length);
			System.arraycopy(args, 0, keysAndArgs, keys.length, args.length);
			this.connection.scriptingCommands().eval(script, ReturnType.MULTI, keys.length, keysAndArgs);
			this.commands++;
		}

		@Override
		public void ack(byte[] key, String... ids) {
			this.connection.streamCommands().xAck(key, RedisKeys.GROUP, ids);
			this.commands++;
		}

		@Override
		public void delete(byte[] key, String... ids) {
			this.connection.streamCommands().xDel(key, ids);
			this.commands++;
		}

		@Override
		public List<Object> results() {
			try {
				return this.connection.closePipeline();
			}
			catch (RedisPipelineException ex) {
				List<Object> partial = ex.getPipelineResult();
				if (partial != null && partial.size() == this.commands) {
					return partial;
				}
				if (RedisLoop.refused(ex)) {
					return new ArrayList<>(Collections.nCopies(this.commands, ex));
				}
				throw ex;
			}
		}

	}

}
