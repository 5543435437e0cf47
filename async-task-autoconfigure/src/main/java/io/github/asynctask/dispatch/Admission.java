package io.github.asynctask.dispatch;

/**
 * What a dispatch does when there is no room for its task: the two faces of one operation, as in the Disruptor's
 * {@code publishEvent}/{@code tryPublishEvent}.
 */
public enum Admission {

	/** The configured {@code when-full} policy applies: block for room, reject, or run on the caller. */
	POLICY,

	/** Never block and never run on the caller: the task is not accepted and the dispatch says so. */
	TRY

}
