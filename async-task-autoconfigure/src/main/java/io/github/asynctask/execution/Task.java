package io.github.asynctask.execution;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.dispatch.Routing;
import io.github.asynctask.handler.TaskHandler;
import org.jspecify.annotations.Nullable;

/**
 * One accepted task: what to run, where it may run, where its outcome goes, and (once decided) the outcome. The
 * same object is the handler's {@link TaskContext} and the listeners' {@link TaskResult}, so a task costs one
 * allocation.
 * <p>
 * States: {@code QUEUED} (or {@code HELD} while its batch is not yet accepted whole) -> {@code RUNNING} ->
 * {@code ENDED}; a task that never started ends from {@code QUEUED} ({@code CANCELLED}, or a remote outcome), and a
 * {@code HELD} one may be {@code WITHDRAWN} without any outcome. A decision may leave its delivery for later
 * ({@code UNDELIVERED}): exactly one later caller claims it.
 * <p>
 * Threading: every transition is a CAS on the state, so the outcome is decided exactly once, by the one thread that
 * wins; that thread writes the outcome fields before the release store that ends the decision, and delivers. Other
 * threads read the outcome only after an acquire of the state (or after the delivery, which publishes it).
 */
public final class Task implements TaskContext, TaskResult<Object> {

	/** The node name of tasks dispatched in this process. */
	public static final String LOCAL_NODE = "local";

	private static final int QUEUED = 0;

	private static final int HELD = 1;

	private static final int RUNNING = 2;

	/** The winner of a decision is writing the outcome. */
	private static final int DECIDING = 3;

	private static final int ENDED = 4;

	/**
	 * Decided, its delivery left to whoever {@linkplain #claimDeferredDelivery() claims} it: a cancelled task's to the
	 * worker that reaches it (or the shutdown sweep), a timed-out one's to the thread that ran it when it comes back.
	 */
	private static final int UNDELIVERED = 5;

	private static final int WITHDRAWN = 6;

	private static final TaskStatus[] STATUSES = TaskStatus.values();

	private static final VarHandle STATE;

	static {
		try {
			STATE = MethodHandles.lookup().findVarHandle(Task.class, "state", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final long id;

	private final TaskHandler handler;

	private final Object payload;

	/** Where the outcome goes; {@code null}: the handler's {@code @OnFinish} listeners. */
	private final @Nullable TaskCallback<Object> callback;

	private final Routing routing;

	private final long dispatchNanos;

	private volatile int state;

	private int workerId = -1;

	private int attempts;

	private byte status = -1;

	private long startNanos;

	private long endNanos;

	private @Nullable Object outcome;

	private @Nullable Object @Nullable [] attributes;

	/** The transport's bookkeeping: where the task waits (its queue), for cancel and capacity. */
	private @Nullable Object place;

	/** Called when a held task is released or withdrawn: wakes the worker that set it aside. */
	private volatile @Nullable Runnable onRelease;

	private String originNode = LOCAL_NODE;

	/**
	 * Whether the outcome was reported by the node that ran the task: a remote run was recorded and the task never
	 * started here.
	 */
	private boolean ranElsewhere;

	/**
	 * Decided without its {@code finished} event, which the one thread that claims its delivery publishes (a
	 * timeout's decision: the watchdog runs no observer); written before the release store that ends the decision.
	 */
	private boolean unpublished;

	/** The errors of the attempts that were retried, attached to the final error as suppressed. */
	private @Nullable Throwable @Nullable [] earlierErrors;

	/**
	 * A task, {@code QUEUED} (or {@code HELD} if {@code held}).
	 * @param dispatchNanos {@link System#nanoTime()} at dispatch, or 0 where no one can read the dispatch time (no
	 * {@code TaskContext} parameter, no observer, no interceptor: a clock read is tens of nanoseconds here)
	 */
	@SuppressWarnings("unchecked")
	public Task(long id, TaskHandler handler, Object payload, @Nullable TaskCallback<?> callback, Routing routing,
			boolean held, long dispatchNanos) {
		this.id = id;
		this.handler = handler;
		this.payload = payload;
		this.callback = (TaskCallback<Object>) callback;
		this.routing = routing;
		this.dispatchNanos = dispatchNanos;
		if (held) {
			STATE.setRelease(this, HELD);
		}
	}

	// What it is

	public TaskHandler handler() {
		return this.handler;
	}

	@Override
	public Object payload() {
		return this.payload;
	}

	/** The callback (or future, or gather slot) the outcome goes to; {@code null} for the {@code @OnFinish} listeners. */
	public @Nullable TaskCallback<Object> callback() {
		return this.callback;
	}

	public Routing routing() {
		return this.routing;
	}

	/** {@link System#nanoTime()} at dispatch; 0 if no one could read it (see the constructor). */
	public long dispatchNanos() {
		return this.dispatchNanos;
	}

	/** {@link System#nanoTime()} when the current (or last) attempt started; 0 if it never started. */
	public long startNanos() {
		return this.startNanos;
	}

	/** {@link System#nanoTime()} when the last attempt ended; 0 if it never ran. */
	public long endNanos() {
		return this.endNanos;
	}

	/** Whether any interceptor keeps a value with the task. */
	public boolean hasAttributes() {
		return this.attributes != null;
	}

	/** A value an interceptor keeps with the task, by the slot its chain gave it. */
	public @Nullable Object attribute(int slot) {
		Object[] attributes = this.attributes;
		return (attributes != null && slot < attributes.length) ? attributes[slot] : null;
	}

	/** Keeps a value with the task; call from the thread that owns the task at that moment (its dispatcher). */
	public void attribute(int slot, @Nullable Object value) {
		Object[] attributes = this.attributes;
		if (attributes == null || slot >= attributes.length) {
			Object[] grown = new Object[Math.max(slot + 1, 2)];
			if (attributes != null) {
				System.arraycopy(attributes, 0, grown, 0, attributes.length);
			}
			this.attributes = attributes = grown;
		}
		attributes[slot] = value;
	}

	public @Nullable Object place() {
		return this.place;
	}

	public void place(@Nullable Object place) {
		this.place = place;
	}

	/** Sets the node that dispatched the task (a distributed transport, on the node that runs it). */
	public void originNode(String originNode) {
		this.originNode = originNode;
	}

	// Transitions

	/**
	 * Claims the task for an attempt on the calling thread.
	 * @param workerId the worker running it, {@code -1} on the caller's thread
	 * @param nanos {@link System#nanoTime()} now
	 * @return {@code false} if it is not {@code QUEUED} (cancelled, withdrawn, held, or started elsewhere)
	 */
	public boolean tryStart(int workerId, long nanos) {
		if (STATE.compareAndSet(this, QUEUED, RUNNING)) {
			this.ranElsewhere = false; // it runs here, whatever an earlier node reported
			this.workerId = workerId;
			this.startNanos = nanos;
			this.attempts++;
			return true;
		}
		return false;
	}

	/**
	 * Decides the outcome of a running task. The first caller wins: the worker that ran it, or whoever ended it
	 * first (a timeout, a stop).
	 * @param nanos {@link System#nanoTime()} when the attempt ended
	 * @return {@code false} if the outcome was decided already (the caller's result is late)
	 */
	public boolean tryFinish(TaskStatus status, @Nullable Object outcome, long nanos) {
		return tryFinish(status, outcome, nanos, false);
	}

	/**
	 * Decides the outcome of a running task, like {@link #tryFinish(TaskStatus, Object, long)}.
	 * @param deliverLater leave the delivery, and the {@code finished} event, to {@link #claimDeferredDelivery()}
	 */
	public boolean tryFinish(TaskStatus status, @Nullable Object outcome, long nanos, boolean deliverLater) {
		if (!STATE.compareAndSet(this, RUNNING, DECIDING)) {
			return false;
		}
		this.endNanos = nanos;
		record(status, outcome);
		this.unpublished = deliverLater;
		STATE.setRelease(this, deliverLater ? UNDELIVERED : ENDED);
		return true;
	}

	/**
	 * Puts a running task back to {@code QUEUED} for another attempt (a retry).
	 * @return {@code false} if its outcome was decided meanwhile
	 */
	public boolean tryRequeue(long nanos) {
		if (STATE.compareAndSet(this, RUNNING, DECIDING)) {
			this.endNanos = nanos;
			STATE.setRelease(this, QUEUED);
			return true;
		}
		return false;
	}

	/**
	 * Decides the outcome of a task that has not started here: {@code CANCELLED} by a cancel or a stop, or the
	 * outcome a remote node reported.
	 * @param deliverLater leave the delivery to {@link #claimDeferredDelivery()} (the worker that reaches it)
	 * @return {@code false} if it started, ended or was withdrawn first
	 */
	public boolean tryEndUnstarted(TaskStatus status, @Nullable Object outcome, boolean deliverLater) {
		int current = (int) STATE.getAcquire(this);
		if ((current != QUEUED && current != HELD) || !STATE.compareAndSet(this, current, DECIDING)) {
			return false;
		}
		record(status, outcome);
		STATE.setRelease(this, deliverLater ? UNDELIVERED : ENDED);
		return true;
	}

	/**
	 * Records what a remote node reported about the run (before {@link #tryEndUnstarted}), or, on the node about to
	 * run an entry it read, the attempts made before; a task that then starts here no longer counts as run elsewhere.
	 */
	public void recordRemoteRun(int workerId, int attempts, long runNanos) {
		this.ranElsewhere = true;
		this.workerId = workerId;
		this.attempts = attempts;
		this.startNanos = 0;
		this.endNanos = runNanos;
	}

	private void record(TaskStatus status, @Nullable Object outcome) {
		this.status = (byte) status.ordinal();
		this.outcome = outcome;
		Throwable[] earlier = this.earlierErrors;
		if (earlier != null && outcome instanceof Throwable error) {
			for (Throwable previous : earlier) {
				if (previous != null && previous != error) {
					error.addSuppressed(previous);
				}
			}
		}
	}

	/**
	 * Keeps the error of an attempt that is retried, to attach to the final error as suppressed; called by the
	 * thread that requeued the task, before it is queued again.
	 */
	public void earlierError(Throwable error) {
		Throwable[] earlier = this.earlierErrors;
		int n = (earlier != null) ? earlier.length : 0;
		Throwable[] grown = new Throwable[n + 1];
		if (earlier != null) {
			System.arraycopy(earlier, 0, grown, 0, n);
		}
		grown[n] = error;
		this.earlierErrors = grown;
	}

	/**
	 * Takes over a delivery left for later.
	 * @return {@code true} for the one caller that must deliver the outcome
	 */
	public boolean claimDeferredDelivery() {
		int state;
		while ((state = (int) STATE.getAcquire(this)) == DECIDING) {
			Thread.onSpinWait(); // the decider is between its two writes
		}
		return state == UNDELIVERED && STATE.compareAndSet(this, UNDELIVERED, ENDED);
	}

	/**
	 * Whether the {@code finished} event of a decision left for later is still to be published; asked only by the
	 * thread that {@linkplain #claimDeferredDelivery() claimed} the delivery.
	 */
	public boolean isUnpublished() {
		return this.unpublished;
	}

	/** Releases a held task (its batch was accepted whole): it may start now. */
	public void release() {
		if (STATE.compareAndSet(this, HELD, QUEUED)) {
			wake();
		}
	}

	/**
	 * Takes back a task that was not accepted after all (its batch was refused, or the server stopped while it was
	 * being queued): it never runs and has no outcome.
	 * @return {@code false} if it started or ended first
	 */
	public boolean tryWithdraw() {
		if (STATE.compareAndSet(this, HELD, WITHDRAWN)) {
			wake();
			return true;
		}
		return STATE.compareAndSet(this, QUEUED, WITHDRAWN);
	}

	/** Asks to be woken when this held task is released or withdrawn; re-check {@link #isHeld()} after. */
	public void onRelease(Runnable wakeUp) {
		this.onRelease = wakeUp;
	}

	private void wake() {
		Runnable wakeUp = this.onRelease;
		if (wakeUp != null) {
			wakeUp.run();
		}
	}

	public boolean isHeld() {
		return (int) STATE.getAcquire(this) == HELD;
	}

	public boolean isQueued() {
		return (int) STATE.getAcquire(this) == QUEUED;
	}

	/**
	 * Whether the task ran on another node, which reported its outcome here: its run (completion, duration) is
	 * counted there, not here.
	 */
	public boolean ranElsewhere() {
		return this.ranElsewhere;
	}

	/** Whether the task was withdrawn with its batch: it has no outcome. */
	public boolean isWithdrawn() {
		return (int) STATE.getAcquire(this) == WITHDRAWN;
	}

	/** Whether the outcome is decided (delivered or to be delivered). */
	public boolean isDecided() {
		int state = (int) STATE.getAcquire(this);
		return state == ENDED || state == UNDELIVERED || state == DECIDING;
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
		return this.originNode;
	}

	@Override
	public Instant dispatchedAt() {
		// derived when asked, from the time elapsed since dispatch: exact to the clock, no drift
		return Instant.now().minusNanos(System.nanoTime() - this.dispatchNanos);
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
		return (this.startNanos == 0) ? Duration.ofNanos(Math.max(0, this.endNanos))
				: Duration.ofNanos(Math.max(0, this.endNanos - this.startNanos));
	}

	@Override
	public String toString() {
		return "Task " + this.id + " '" + taskName() + "'" + ((this.status < 0) ? "" : " " + status());
	}

}
