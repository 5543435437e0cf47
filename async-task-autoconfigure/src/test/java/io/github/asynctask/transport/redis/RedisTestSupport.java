package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.List;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;

/** Helpers of the Redis tests. */
public final class RedisTestSupport {

	private RedisTestSupport() {
	}

	/** Deletes every key under a test's prefix. */
	public static void deleteKeys(RedisConnection connection, String prefix) {
		List<byte[]> keys = new ArrayList<>();
		try (Cursor<byte[]> cursor = connection.keyCommands()
			.scan(ScanOptions.scanOptions().match(prefix + ":*").count(1000).build())) {
			cursor.forEachRemaining(keys::add);
		}
		if (!keys.isEmpty()) {
			connection.keyCommands().del(keys.toArray(new byte[0][]));
		}
	}

}
