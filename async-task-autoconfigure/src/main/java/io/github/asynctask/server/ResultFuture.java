package io.github.asynctask.server;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskFailedException;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskTimeoutException;

/**
 * The future of one task's value: the task's callback, completing itself with the value or with the exception
 * that stands for the outcome ({@link TaskFailedException}, {@link TaskTimeoutException},
 * {@link CancellationException}). A result that arrives after the future was completed otherwise (a waiter that
 * timed out, a caller that cancelled the future) is dropped and counted.
 */
final class ResultFuture<R> extends CompletableFuture<R> implements TaskCallback<R> {

	private final LocalTaskServer server;

	ResultFuture(LocalTaskServer server) {
		this.server = server;
	}

	@Override
	public void onFinish(TaskResult<R> result) {
		boolean completed = result.isSuccess() ? complete(result.value())
				: completeExceptionally(exceptionFor(result));
		if (!completed) {
			this.server.resultDropped();
		}
	}

	/** How a non-successful outcome surfaces where a value is expected. */
	static RuntimeException exceptionFor(TaskResult<?> result) {
		Throwable error = result.error();
		String task = "Task " + result.taskId() + " '" + result.taskName() + "'";
		return switch (result.status()) {
			case FAILED -> new TaskFailedException(task + " failed: " + error, error);
			case TIMED_OUT -> (error instanceof TaskTimeoutException timeout) ? timeout
					: new TaskTimeoutException(task + " timed out");
			case CANCELLED -> (error instanceof CancellationException cancellation) ? cancellation
					: new CancellationException(task + " was cancelled");
			case SUCCEEDED -> throw new IllegalArgumentException(task + " succeeded");
		};
	}

}
