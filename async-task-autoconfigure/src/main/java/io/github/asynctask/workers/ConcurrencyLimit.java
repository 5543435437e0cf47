package io.github.asynctask.workers;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.asynctask.execution.Task;
import org.jspecify.annotations.Nullable;

/**
 * {@code tasks.<name>.max-concurrency}: the places of one task name on this node. A worker that takes a task with no
 * place free parks it here instead of waiting (so that no worker is held), and whoever frees a place hands the next
 * parked task to a worker.
 * <p>
 * Threading: any thread. A place freed between a failed {@link #tryAcquire} and {@link #park} is not lost: the
 * parking thread tries to hand out parked tasks right after parking (see {@code ConcurrencyLimits#grantParked}).
 */
final class ConcurrencyLimit {

	private final int max;

	private final AtomicInteger running = new AtomicInteger();

	private final ConcurrentLinkedQueue<Task> parked = new ConcurrentLinkedQueue<>();

	private final AtomicInteger parkedCount = new AtomicInteger();

	ConcurrencyLimit(int max) {
		this.max = max;
	}

	boolean tryAcquire() {
		for (;;) {
			int now = this.running.get();
			if (now >= this.max) {
				return false;
			}
			if (this.running.compareAndSet(now, now + 1)) {
				return true;
			}
		}
	}

	void release() {
		this.running.decrementAndGet();
	}

	void park(Task task) {
		this.parked.add(task);
		this.parkedCount.incrementAndGet();
	}

	@Nullable Task poll() {
		Task task = this.parked.poll();
		if (task != null) {
			this.parkedCount.decrementAndGet();
		}
		return task;
	}

	boolean hasParked() {
		return this.parkedCount.get() > 0;
	}

	int parked() {
		return this.parkedCount.get();
	}

}
