package io.github.asynctask.execution;

import org.jspecify.annotations.Nullable;

/**
 * The rest of an execution chain, as seen by one {@link TaskInterceptor}.
 */
@FunctionalInterface
public interface TaskInvocation {

	/** Runs the next link, or the handler method itself after the last one. */
	@Nullable Object proceed() throws Throwable;

}
