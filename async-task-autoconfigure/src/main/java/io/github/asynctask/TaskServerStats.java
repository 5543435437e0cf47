package io.github.asynctask;

import java.util.List;

/**
 * A snapshot of a {@link TaskServer}'s counters, in the spirit of Swoole's {@code stats()}.
 */
public interface TaskServerStats {

	/** Tasks accepted since start (rejected ones excluded). */
	long dispatched();

	/** Tasks that ended, whatever their outcome. */
	long completed();

	/** Tasks that ended without success (failed, timed out or cancelled). */
	long failed();

	/** Tasks running now. */
	int taskingNum();

	/** Workers running nothing and having nothing queued. */
	int idleWorkerNum();

	/** Tasks waiting in queues (delayed tasks once due and waiting for room included). */
	long queuedNum();

	/**
	 * Delayed tasks ({@code TaskTemplate.after}, {@code at}) not yet due; not counted in {@link #queuedNum()}. In
	 * redis mode: those waiting in Redis for this application's task names, dispatched by any node (every node shows
	 * the same figure), as read within about a second.
	 */
	long scheduledNum();

	/** One entry per worker, ordered by id. */
	List<WorkerStats> workers();

}
