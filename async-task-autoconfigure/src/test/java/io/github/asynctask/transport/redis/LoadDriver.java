package io.github.asynctask.transport.redis;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.transport.redis.RedisNodes.Tick;

/**
 * Dispatches {@link Tick}s from one thread, one after the other, into an {@link OutcomeLedger}, with at most
 * {@code maxOutstanding} tasks accepted and not yet decided at a time (so a long fault does not pile up an unbounded
 * backlog), until {@code total} are accepted or it is stopped. A dispatch refused with {@link TaskRejectedException}
 * (the outbound backlog full while Redis is down) is counted, not accepted, and tried again a moment later.
 */
final class LoadDriver implements AutoCloseable {

	private final TaskTemplate tasks;

	private final OutcomeLedger ledger;

	private final long total;

	private volatile long maxOutstanding;

	private final Thread thread;

	private final AtomicLong rejected = new AtomicLong();

	private volatile boolean stopped;

	private volatile Throwable failure;

	LoadDriver(TaskTemplate tasks, OutcomeLedger ledger, long total, long maxOutstanding) {
		this.tasks = tasks;
		this.ledger = ledger;
		this.total = total;
		this.maxOutstanding = maxOutstanding;
		this.thread = new Thread(this::run, "test-load-driver");
		this.thread.setDaemon(true);
	}

	LoadDriver start() {
		this.thread.start();
		return this;
	}

	private void run() {
		try {
			long n = 0;
			while (!this.stopped && this.ledger.acceptedCount() < this.total) {
				if (this.ledger.acceptedCount() - this.ledger.heard() >= this.maxOutstanding) {
					LockSupport.parkNanos(200_000); // playing a producer that waits for its earlier work
					continue;
				}
				try {
					this.ledger.accepted(this.tasks.dispatch(new Tick(n++), this.ledger.callback()));
				}
				catch (TaskRejectedException ex) {
					this.rejected.incrementAndGet();
					LockSupport.parkNanos(50_000_000);
				}
			}
		}
		catch (Throwable ex) {
			this.failure = ex;
		}
	}

	/** Stops dispatching until {@link #allowMore} (so that some of the total is left for later). */
	void pause() {
		this.maxOutstanding = 0;
	}

	/** Lets {@code more} tasks more than now be outstanding (e.g. to go on dispatching while Redis is down). */
	void allowMore(long more) {
		this.maxOutstanding = this.ledger.acceptedCount() - this.ledger.heard() + more;
	}

	/** Dispatches refused (when-full) so far. */
	long rejected() {
		return this.rejected.get();
	}

	/** Whether it accepted its total (or was stopped) and its thread ended. */
	boolean done() {
		return !this.thread.isAlive();
	}

	/** What ended the thread other than its total, or {@code null}. */
	Throwable failure() {
		return this.failure;
	}

	@Override
	public void close() throws InterruptedException {
		this.stopped = true;
		this.thread.join(10_000);
	}

}
