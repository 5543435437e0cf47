package io.github.asynctask.execution;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@link TimeoutTests} with {@code virtual-threads: true}: timeouts work the same; a stuck virtual thread is left
 * behind and its place goes to the next task.
 */
@Tag("java21")
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadTimeoutTests extends TimeoutTests {

	@Override
	ApplicationContextRunner runner() {
		return super.runner().withPropertyValues("async-task.virtual-threads=true");
	}

}
