package io.github.asynctask.execution;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@link RetryTests} with {@code virtual-threads: true}: retries work the same.
 */
@Tag("java21")
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadRetryTests extends RetryTests {

	@Override
	ApplicationContextRunner runner() {
		return super.runner().withPropertyValues("async-task.virtual-threads=true");
	}

}
