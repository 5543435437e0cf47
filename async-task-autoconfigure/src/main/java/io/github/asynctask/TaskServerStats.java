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

	/** Tasks waiting in queues. */
	long queuedNum();

	/** One entry per worker, ordered by id. */
	List<WorkerStats> workers();

}
