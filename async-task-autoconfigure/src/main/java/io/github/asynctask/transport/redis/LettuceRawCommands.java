package io.github.asynctask.transport.redis;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.NestedMultiOutput;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;

/**
 * Raw commands whose nested array reply Spring Data Redis's generic {@code execute} would not read on Lettuce.
 * Loaded only when Lettuce is on the class path.
 */
final class LettuceRawCommands {

	private LettuceRawCommands() {
	}

	static Object execute(RedisConnection connection, String command, byte[]... args) {
		if (connection instanceof LettuceConnection lettuce) {
			return lettuce.execute(command, new NestedMultiOutput<>(ByteArrayCodec.INSTANCE), args);
		}
		return connection.execute(command, args);
	}

}
