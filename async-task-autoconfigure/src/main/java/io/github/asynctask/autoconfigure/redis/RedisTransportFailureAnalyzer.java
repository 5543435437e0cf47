package io.github.asynctask.autoconfigure.redis;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link RedisTransportUnavailableException}: what is missing and how to fix it.
 */
class RedisTransportFailureAnalyzer extends AbstractFailureAnalyzer<RedisTransportUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RedisTransportUnavailableException cause) {
		return new FailureAnalysis("async-task.transport is 'redis', so tasks go through Redis Streams using the "
				+ "application's RedisConnectionFactory and Jackson 3, but " + cause.reason() + ".",
				cause.fix() + "; or set async-task.transport=local to run tasks in this process.", cause);
	}

}
