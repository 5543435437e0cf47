package io.github.asynctask.dispatch;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskFailedException;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskTimeoutException;
import io.github.asynctask.execution.SafeText;
import io.github.asynctask.handler.TaskHandler;

/**
 * The future of one task's value: the task's callback, completing itself with the value or with the exception
 * that stands for the outcome ({@link TaskFailedException}, {@link TaskTimeoutException},
 * {@link CancellationException}). A result that arrives after the future was completed otherwise (a waiter that
 * timed out, a caller that cancelled the future) is dropped and counted.
 */
final class ResultFuture<R> extends CompletableFuture<R> implements TaskCallback<R> {

	private final TaskDispatcher dispatcher;

	private final TaskHandler handler;

	ResultFuture(TaskDispatcher dispatcher, TaskHandler handler) {
		this.dispatcher = dispatcher;
		this.handler = handler;
	}

	@Override
	public void onFinish(TaskResult<R> result) {
		boolean completed;
		try {
			completed = result.isSuccess() ? complete(result.value()) : completeExceptionally(exceptionFor(result));
		}
		catch (Throwable ex) {
			completed = completeExceptionally(ex);
		}
		if (!completed) {
			this.dispatcher.resultDropped(this.handler);
		}
	}

	/** How a non-successful outcome surfaces where a value is expected; building it never throws. */
	static RuntimeException exceptionFor(TaskResult<?> result) {
		Throwable error = result.error();
		String task = "Task " + result.taskId() + " '" + result.taskName() + "'";
		return switch (result.status()) {
			case FAILED -> new TaskFailedException(task + " failed: " + SafeText.of(error), error);
			case TIMED_OUT -> (error instanceof TaskTimeoutException timeout) ? timeout
					: timedOut(task + " timed out" + ((error != null) ? ": " + SafeText.of(error) : ""), error);
			case CANCELLED -> (error instanceof CancellationException cancellation) ? cancellation
					: new CancellationException(task + " was cancelled");
			case SUCCEEDED -> throw new IllegalArgumentException(task + " succeeded");
		};
	}

	private static TaskTimeoutException timedOut(String message, Throwable cause) {
		TaskTimeoutException timeout = new TaskTimeoutException(message);
		if (cause != null) {
			timeout.initCause(cause);
		}
		return timeout;
	}

}
