package io.github.asynctask.workers;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.asynctask.execution.Task;
import org.jspecify.annotations.Nullable;

/**
 * What other threads hand a worker outside its queue, taken before anything queued and never refused for want of
 * room: tasks whose backoff is over (their next attempt), and tasks given a place under their {@code max-concurrency}
 * (they start without asking again).
 * <p>
 * Threading: {@link #retry} and {@link #grant} from any thread (the retry timer, whoever freed a place); the polls
 * from the worker's current shift, or from the stop once no shift runs.
 */
final class WorkerInbox {

	private final ConcurrentLinkedQueue<Task> retried = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<Task> granted = new ConcurrentLinkedQueue<>();

	private final AtomicInteger count = new AtomicInteger();

	void retry(Task task) {
		this.retried.add(task);
		this.count.incrementAndGet();
	}

	void grant(Task task) {
		this.granted.add(task);
		this.count.incrementAndGet();
	}

	@Nullable Task pollGranted() {
		return counted(this.granted.poll());
	}

	@Nullable Task pollRetried() {
		return counted(this.retried.poll());
	}

	private @Nullable Task counted(@Nullable Task task) {
		if (task != null) {
			this.count.decrementAndGet();
		}
		return task;
	}

	/** Tasks handed over and not taken yet: they count as queued. */
	int count() {
		return this.count.get();
	}

}
