package io.github.asynctask.handler;

import java.util.concurrent.atomic.LongAdder;

import io.github.asynctask.TaskStatus;

/**
 * The counters of one task name, held on its {@link TaskHandler} so that counting a task costs no map lookup:
 * striped adders, written by whichever thread dispatches, runs or delivers the task, and read by
 * {@code stats()}, the meters and the Actuator endpoint.
 * <p>
 * Threading: every method may be called from any thread; a read is the sum at the moment it is taken.
 */
public final class TaskCounters {

	private static final TaskStatus[] STATUSES = TaskStatus.values();

	private final LongAdder dispatched = new PaddedAdder();

	private final LongAdder rejected = new PaddedAdder();

	private final LongAdder[] completed = new LongAdder[STATUSES.length];

	private final LongAdder retries = new PaddedAdder();

	private final LongAdder droppedResults = new PaddedAdder();

	private final LongAdder listenerErrors = new PaddedAdder();

	/** Outcomes that another node reported back here (redis mode), by status: one reply reader adds, so no padding. */
	private final LongAdder[] results = new LongAdder[STATUSES.length];

	TaskCounters() {
		for (int i = 0; i < this.completed.length; i++) {
			this.completed[i] = new PaddedAdder();
			this.results[i] = new LongAdder();
		}
	}

	/**
	 * An adder followed by two cache lines of padding. A {@code LongAdder} spreads its count over padded cells only
	 * once threads collide on its {@code base}; two adders written by different threads (the dispatcher counts
	 * {@code dispatched}, the workers {@code completed}) would otherwise share a line without ever colliding, and
	 * bounce it between cores on every task.
	 */
	@SuppressWarnings({ "unused", "serial" })
	private static final class PaddedAdder extends LongAdder {

		private long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;

	}

	public void dispatched() {
		this.dispatched.increment();
	}

	/** Takes back a count of {@link #dispatched()} for a task that was then refused or withdrawn. */
	public void undispatched() {
		this.dispatched.decrement();
	}

	public void rejected() {
		this.rejected.increment();
	}

	public void completed(TaskStatus status) {
		this.completed[status.ordinal()].increment();
	}

	/** An outcome of a task dispatched here and run on another node arrived. */
	public void resultReceived(TaskStatus status) {
		this.results[status.ordinal()].increment();
	}

	public void retried() {
		this.retries.increment();
	}

	public void resultDropped() {
		this.droppedResults.increment();
	}

	public void listenerFailed() {
		this.listenerErrors.increment();
	}

	/** Tasks accepted. */
	public long dispatchedCount() {
		return this.dispatched.sum();
	}

	/** Tasks refused at dispatch: full, stopped, or a {@code tryDispatch} that found no room. */
	public long rejectedCount() {
		return this.rejected.sum();
	}

	/** Tasks that ended with this status. */
	public long completedCount(TaskStatus status) {
		return this.completed[status.ordinal()].sum();
	}

	/** Tasks that ended, whatever their status. */
	public long completedCount() {
		long sum = 0;
		for (LongAdder adder : this.completed) {
			sum += adder.sum();
		}
		return sum;
	}

	/** Outcomes of tasks dispatched here that another node reported back, whatever their status (redis mode). */
	public long resultsCount() {
		long sum = 0;
		for (LongAdder adder : this.results) {
			sum += adder.sum();
		}
		return sum;
	}

	/** Outcomes of tasks dispatched here that another node reported back, with this status (redis mode). */
	public long resultsCount(TaskStatus status) {
		return this.results[status.ordinal()].sum();
	}

	/** Attempts after the first. */
	public long retriesCount() {
		return this.retries.sum();
	}

	/** Results that arrived after their waiter gave up, or after the outcome was decided otherwise. */
	public long droppedResultsCount() {
		return this.droppedResults.sum();
	}

	/** {@code @OnFinish} methods and callbacks that threw. */
	public long listenerErrorsCount() {
		return this.listenerErrors.sum();
	}

}
