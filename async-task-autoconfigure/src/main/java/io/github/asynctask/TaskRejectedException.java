package io.github.asynctask;

/**
 * Thrown at dispatch when the task was not accepted: the queue stayed full ({@code async-task.when-full}) or the
 * server is not running. A rejected task was never queued and gets no outcome.
 */
public class TaskRejectedException extends AsyncTaskException {

	public TaskRejectedException(String message) {
		super(message);
	}

}
