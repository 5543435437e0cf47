package io.github.asynctask.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.TaskTimeoutException;
import io.github.asynctask.handler.TaskHandler;
import org.jspecify.annotations.Nullable;

/**
 * Collects the outcomes of a batch of tasks, index-aligned. Each slot is set once: by its task's outcome, or, when
 * the waiter's deadline passes first, by a {@code TIMED_OUT} entry, after which the late outcome is dropped and
 * counted.
 */
final class Gather<R> {

	private final TaskDispatcher dispatcher;

	private final TaskHandler[] handlers;

	private final List<?> payloads;

	private final AtomicReferenceArray<TaskResult<R>> results;

	private final AtomicInteger remaining;

	private final CompletableFuture<List<TaskResult<R>>> future = new CompletableFuture<>();

	Gather(TaskDispatcher dispatcher, TaskHandler[] handlers, List<?> payloads) {
		this.dispatcher = dispatcher;
		this.handlers = handlers;
		this.payloads = payloads;
		this.results = new AtomicReferenceArray<>(handlers.length);
		this.remaining = new AtomicInteger(handlers.length);
		if (handlers.length == 0) {
			this.future.complete(List.of());
		}
	}

	/** The callback of the task at {@code index}. */
	TaskCallback<R> slot(int index) {
		return (result) -> {
			if (this.results.compareAndSet(index, null, result)) {
				arrived();
			}
			else {
				this.dispatcher.resultDropped(this.handlers[index]);
			}
		};
	}

	private void arrived() {
		if (this.remaining.decrementAndGet() == 0) {
			this.future.complete(snapshot());
		}
	}

	CompletableFuture<List<TaskResult<R>>> future() {
		return this.future;
	}

	/**
	 * Ends the wait: every slot still empty becomes {@code TIMED_OUT}.
	 * @param taskIds the ids of the tasks, index-aligned
	 */
	List<TaskResult<R>> expire(long[] taskIds, Duration timeout) {
		for (int i = 0; i < taskIds.length; i++) {
			if (this.results.get(i) == null) {
				String name = this.handlers[i].name();
				TaskTimeoutException error = new TaskTimeoutException("Task " + taskIds[i] + " '" + name
						+ "' did not finish within the wait of " + timeout.toMillis() + "ms");
				if (this.results.compareAndSet(i, null,
						new TimedOut<>(taskIds[i], name, error, this.payloads.get(i)))) {
					arrived();
				}
			}
		}
		return snapshot();
	}

	private List<TaskResult<R>> snapshot() {
		List<TaskResult<R>> list = new ArrayList<>(this.results.length());
		for (int i = 0; i < this.results.length(); i++) {
			list.add(this.results.get(i));
		}
		return List.copyOf(list);
	}

	/** A task whose waiter gave up before it ended. */
	record TimedOut<R>(long taskId, String taskName, TaskTimeoutException timeout, Object payload)
			implements TaskResult<R> {

		@Override
		public TaskStatus status() {
			return TaskStatus.TIMED_OUT;
		}

		@Override
		public @Nullable R value() {
			return null;
		}

		@Override
		public Throwable error() {
			return this.timeout;
		}

		@Override
		public int workerId() {
			return -1;
		}

		@Override
		public int attempts() {
			return 0;
		}

		@Override
		public Duration runTime() {
			return Duration.ZERO;
		}

	}

}
