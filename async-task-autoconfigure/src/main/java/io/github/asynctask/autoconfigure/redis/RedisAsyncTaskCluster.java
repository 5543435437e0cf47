package io.github.asynctask.autoconfigure.redis;

import java.util.List;

import io.github.asynctask.actuate.AsyncTaskCluster;
import io.github.asynctask.transport.redis.RedisClusterView;
import io.github.asynctask.transport.redis.RedisDeadLetters;
import org.jspecify.annotations.Nullable;

/**
 * The Redis cluster as the {@code asynctask} endpoint and the health indicator see it: the two Redis readers behind
 * the interface of the {@code actuate} package, which imports no Redis class.
 */
final class RedisAsyncTaskCluster implements AsyncTaskCluster {

	private final RedisClusterView view;

	private final RedisDeadLetters deadLetters;

	RedisAsyncTaskCluster(RedisClusterView view, RedisDeadLetters deadLetters) {
		this.view = view;
		this.deadLetters = deadLetters;
	}

	@Override
	public Object describe() {
		return this.view.read();
	}

	@Override
	public List<?> deadLetters(String task, int limit) {
		return this.deadLetters.list(task, limit);
	}

	@Override
	public long redrive(String task, @Nullable List<String> ids) {
		return this.deadLetters.redrive(task, ids);
	}

	@Override
	public long delete(String task, @Nullable List<String> ids) {
		return this.deadLetters.delete(task, ids);
	}

	@Override
	public @Nullable String problem() {
		return this.view.problem();
	}

}
