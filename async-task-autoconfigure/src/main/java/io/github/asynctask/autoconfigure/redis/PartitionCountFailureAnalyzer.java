package io.github.asynctask.autoconfigure.redis;

import io.github.asynctask.transport.redis.PartitionCountMismatchException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PartitionCountMismatchException}: the two partition counts and how to make them agree.
 */
class PartitionCountFailureAnalyzer extends AbstractFailureAnalyzer<PartitionCountMismatchException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PartitionCountMismatchException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.fix(), cause);
	}

}
