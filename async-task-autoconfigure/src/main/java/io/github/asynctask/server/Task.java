package io.github.asynctask.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.handler.TaskHandler;
import org.jspecify.annotations.Nullable;

/**
 * One dispatched task: what to run, where its outcome goes, and (once it ended) the outcome itself. The same object
 * is the handler's {@link TaskContext} and the listeners' {@link TaskResult}, so a task costs one allocation.
 * <p>
 * Threading: {@link #tryStart} and {@link #tryCancel} race on the state with a CAS, so exactly one of them wins
 * and exactly one outcome is recorded (and {@link #claimCancelledDelivery} hands a deferred delivery to one thread); the outcome fields are written by the winner before delivery, which
 * publishes them (same thread, or a future's completion).
 */
final class Task implements TaskContext, TaskResult<Object> {

	static final String LOCAL_NODE = "local";

	private static final int QUEUED = 0;

	private static final int RUNNING = 1;

	private static final int ENDED = 2;

	/** Being cancelled: the canceller is recording the outcome. */
	private static final int CANCELLING = 3;

	/** Cancelled; the outcome waits for the worker that reaches the task (or the shutdown sweep) to deliver it. */
	private static final int CANCELLED_UNDELIVERED = 4;

	private static final TaskStatus[] STATUSES = TaskStatus.values();

	private static final VarHandle STATE;

	private static final long CLOCK_EPOCH_NANOS;

	private static final long CLOCK_NANO_TIME;

	static {
		try {
			STATE = MethodHandles.lookup().findVarHandle(Task.class, "state", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
		Instant now = Instant.now();
		CLOCK_NANO_TIME = System.nanoTime();
		CLOCK_EPOCH_NANOS = now.getEpochSecond() * 1_000_000_000L + now.getNano();
	}

	final long id;

	final TaskHandler handler;

	final Object payload;

	/** Where the outcome goes; {@code null}: the handler's {@code @OnFinish} listeners. */
	final @Nullable TaskCallback<Object> callback;

	private final long dispatchedNanos;

	private volatile int state;

	private int workerId = -1;

	private int attempts;

	private byte status = -1;

	private long runNanos;

	private @Nullable Object outcome;

	@SuppressWarnings("unchecked")
	Task(long id, TaskHandler handler, Object payload, @Nullable TaskCallback<?> callback) {
		this.id = id;
		this.handler = handler;
		this.payload = payload;
		this.callback = (TaskCallback<Object>) callback;
		this.dispatchedNanos = handler.observesDispatchTime() ? System.nanoTime() : 0;
	}

	/** Claims the task for running; {@code false} if it was cancelled first. */
	boolean tryStart(int workerId) {
		if (STATE.compareAndSet(this, QUEUED, RUNNING)) {
			this.workerId = workerId;
			return true;
		}
		return false;
	}

	/**
	 * Ends a task that has not started as {@code CANCELLED}.
	 * @param deliverLater leave the delivery of the outcome to {@link #claimCancelledDelivery()}
	 * @return {@code false} if it started or ended first
	 */
	boolean tryCancel(String reason, boolean deliverLater) {
		if (!STATE.compareAndSet(this, QUEUED, CANCELLING)) {
			return false;
		}
		this.status = (byte) TaskStatus.CANCELLED.ordinal();
		this.outcome = new CancellationException("Task " + this.id + " '" + taskName() + "' " + reason);
		STATE.setRelease(this, deliverLater ? CANCELLED_UNDELIVERED : ENDED);
		return true;
	}

	/**
	 * Takes over the delivery of a cancelled task's outcome left for later.
	 * @return {@code true} for the one caller that must deliver it
	 */
	boolean claimCancelledDelivery() {
		int state;
		while ((state = (int) STATE.getAcquire(this)) == CANCELLING) {
			Thread.onSpinWait(); // the canceller is between its two writes
		}
		return state == CANCELLED_UNDELIVERED && STATE.compareAndSet(this, CANCELLED_UNDELIVERED, ENDED);
	}

	/** Runs the handler on the calling thread and records the outcome; the task must have been started. */
	boolean run() {
		this.attempts++;
		// the run time is measured only where someone can read it (a callback or a TaskResult listener)
		boolean timed = this.callback != null || this.handler.observesRunTime();
		long start = timed ? System.nanoTime() : 0;
		try {
			Object value = this.handler.invoke(this.payload, this);
			end(TaskStatus.SUCCEEDED, value, timed ? System.nanoTime() - start : 0);
			return true;
		}
		catch (Throwable ex) {
			end(TaskStatus.FAILED, ex, timed ? System.nanoTime() - start : 0);
			return false;
		}
	}

	private void end(TaskStatus status, @Nullable Object outcome, long runNanos) {
		this.status = (byte) status.ordinal();
		this.outcome = outcome;
		this.runNanos = runNanos;
		STATE.setRelease(this, ENDED);
	}

	// TaskContext and TaskResult

	@Override
	public long taskId() {
		return this.id;
	}

	@Override
	public String taskName() {
		return this.handler.name();
	}

	@Override
	public int workerId() {
		return this.workerId;
	}

	@Override
	public int attempt() {
		return Math.max(1, this.attempts);
	}

	@Override
	public String originNode() {
		return LOCAL_NODE;
	}

	@Override
	public Instant dispatchedAt() {
		long epochNanos = CLOCK_EPOCH_NANOS + (this.dispatchedNanos - CLOCK_NANO_TIME);
		return Instant.ofEpochSecond(0, epochNanos);
	}

	@Override
	public TaskStatus status() {
		return (this.status < 0) ? null : STATUSES[this.status];
	}

	@Override
	public boolean isSuccess() {
		return this.status == 0;
	}

	@Override
	public @Nullable Object value() {
		return isSuccess() ? this.outcome : null;
	}

	@Override
	public @Nullable Throwable error() {
		return (this.status > 0) ? (Throwable) this.outcome : null;
	}

	@Override
	public int attempts() {
		return this.attempts;
	}

	@Override
	public Duration runTime() {
		return Duration.ofNanos(this.runNanos);
	}

	@Override
	public String toString() {
		return "Task " + this.id + " '" + taskName() + "'" + ((this.status < 0) ? "" : " " + status());
	}

}
