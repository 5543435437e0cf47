package io.github.asynctask.transport.redis;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskContext;
import io.github.asynctask.annotation.OnTask;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The keyed task of the tests: each run is recorded in Redis (so runs are seen across JVMs): the key's start order
 * ({@code <prefix>:test:starts:<key>}, a list of {@code seq@node#attempt}), how many of the key run at once
 * ({@code <prefix>:test:running}) and how often two of one key ran at once ({@code <prefix>:test:overlaps}).
 */
@Component
class KeyedHandlers {

	/** Held closed by a test to keep first attempts of {@link Step#block} steps running. */
	static volatile CountDownLatch gate = new CountDownLatch(0);

	private final String node;

	private final String prefix;

	private final StringRedisTemplate redis;

	KeyedHandlers(@Value("${async-task.redis.node-id}") String node,
			@Value("${async-task.redis.key-prefix}") String prefix, StringRedisTemplate redis) {
		this.node = node;
		this.prefix = prefix;
		this.redis = redis;
	}

	/**
	 * One task of a key: sleeps {@code millis}; fails while its attempt is at most {@code failures}; with
	 * {@code block}, its first attempt waits for the {@link #gate}.
	 */
	record Step(String key, int seq, long millis, int failures, boolean block) {

		Step(String key, int seq, long millis) {
			this(key, seq, millis, 0, false);
		}

	}

	@OnTask
	String step(Step step, TaskContext context) throws InterruptedException {
		Long running = this.redis.opsForHash().increment(this.prefix + ":test:running", step.key(), 1);
		try {
			if (running != null && running > 1) {
				this.redis.opsForValue().increment(this.prefix + ":test:overlaps");
			}
			this.redis.opsForList().rightPush(this.prefix + ":test:starts:" + step.key(),
					step.seq() + "@" + this.node + "#" + context.attempt());
			if (step.block() && context.attempt() == 1) {
				gate.await(60, TimeUnit.SECONDS); // plays a task that outlives the node's lease
			}
			Thread.sleep(step.millis()); // the task's own work
			if (context.attempt() <= step.failures()) {
				throw new IllegalStateException("step " + step.seq() + " of " + step.key() + " fails at attempt "
						+ context.attempt());
			}
			return step.key() + ":" + step.seq();
		}
		finally {
			this.redis.opsForHash().increment(this.prefix + ":test:running", step.key(), -1);
		}
	}

	/** The starts of a key, in order, as {@code seq@node#attempt}. */
	static List<String> starts(StringRedisTemplate redis, String prefix, String key) {
		List<String> starts = redis.opsForList().range(prefix + ":test:starts:" + key, 0, -1);
		return (starts != null) ? starts : List.of();
	}

	static long overlaps(StringRedisTemplate redis, String prefix) {
		String overlaps = redis.opsForValue().get(prefix + ":test:overlaps");
		return (overlaps != null) ? Long.parseLong(overlaps) : 0;
	}

}
