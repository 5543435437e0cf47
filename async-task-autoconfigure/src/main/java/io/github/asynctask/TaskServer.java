package io.github.asynctask;

/**
 * The pool of task workers that runs the tasks dispatched through {@link TaskTemplate}. Its lifecycle follows the
 * application context: started after every handler is registered, drained and stopped on close.
 * <p>
 * Threading: every method is safe to call from any thread and never blocks.
 */
public interface TaskServer {

	/** The number of task workers ({@code async-task.task-worker-num}). */
	int taskWorkerNum();

	/** A snapshot of the server's counters; each value is exact at the moment it is read. */
	TaskServerStats stats();

}
