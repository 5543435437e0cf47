package io.github.asynctask.execution;

import java.util.concurrent.CancellationException;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.handler.FinishListener;
import io.github.asynctask.handler.TaskHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Decides and delivers each task's single outcome. The decision is a CAS on the {@link Task} (the first of the
 * worker, a timeout, a cancel, a stop or a remote reply wins; a later result is dropped and counted); the winner
 * publishes the {@code finished} event, then delivers to the one place chosen at dispatch: the callback (or future,
 * waiter, gather slot), else the handler's {@code @OnFinish} listeners, through the handler's execution chain.
 * <p>
 * Threading: every method runs on the calling thread and holds no lock while user code runs; nothing a callback
 * or listener throws escapes (it is logged and counted).
 */
public final class Completion {

	private static final Log logger = LogFactory.getLog(Completion.class);

	private final TaskEvents events;

	private volatile ExecutionChain @Nullable [] chains;

	public Completion(TaskEvents events) {
		this.events = events;
	}

	/** The chains that deliveries go through; set by the server at start. */
	public void chains(ExecutionChain[] chains) {
		this.chains = chains;
	}

	public TaskEvents events() {
		return this.events;
	}

	/**
	 * Ends a running attempt with its outcome, if nobody decided it first, and delivers it.
	 * @param tally told of the decision before the delivery (a worker's counters), or {@code null}
	 * @return {@code false} if the outcome was decided already: this result is late, dropped and counted
	 */
	public boolean finish(Task task, TaskStatus status, @Nullable Object outcome, long nanos, @Nullable Tally tally) {
		if (!task.tryFinish(status, outcome, nanos)) {
			this.events.resultDropped(task.handler());
			return false;
		}
		this.events.finished(task);
		if (tally != null) {
			tally.decided(task);
		}
		deliver(task);
		return true;
	}

	/**
	 * Ends a running attempt with its outcome, if nobody decided it first, and leaves its {@code finished} event and
	 * its delivery to whoever calls {@link #deliverDeferred} next: the timeout watchdog decides so, and never runs
	 * an observer or user code itself.
	 * @return {@code false} if the outcome was decided already
	 */
	public boolean finishLater(Task task, TaskStatus status, @Nullable Object outcome, long nanos) {
		return task.tryFinish(status, outcome, nanos, true);
	}

	/** Hears of an outcome decided by the thread that ran the task, before it is delivered. */
	@FunctionalInterface
	public interface Tally {

		void decided(Task task);

	}

	/**
	 * Ends a task that has not started {@code CANCELLED}.
	 * @param reason completes "Task 7 'SendEmail' ...", e.g. "was cancelled before it started"
	 * @param deliverNow deliver on this thread; otherwise only a callback hears of it now, and the handler's
	 * {@code @OnFinish} listeners hear of it when a worker reaches the task ({@link #deliverDeferred})
	 * @return {@code false} if it started, ended or was withdrawn first
	 */
	public boolean cancel(Task task, String reason, boolean deliverNow) {
		boolean later = !deliverNow && task.callback() == null;
		CancellationException error = new CancellationException("Task " + task.taskId() + " '" + task.taskName()
				+ "' " + reason);
		if (!task.tryEndUnstarted(TaskStatus.CANCELLED, error, later)) {
			return false;
		}
		this.events.finished(task);
		if (!later) {
			deliver(task);
		}
		return true;
	}

	/**
	 * Ends a task that did not run here with the outcome reported for it (a remote node's reply), and delivers it.
	 * @return {@code false} if it was decided already (e.g. cancelled)
	 */
	public boolean endUnstarted(Task task, TaskStatus status, @Nullable Object outcome) {
		if (!task.tryEndUnstarted(status, outcome, false)) {
			this.events.resultDropped(task.handler());
			return false;
		}
		this.events.finished(task);
		deliver(task);
		return true;
	}

	/** Delivers an outcome left for later by {@link #cancel} or {@link #finishLater}, if no one did yet. */
	public void deliverDeferred(Task task) {
		if (task.claimDeferredDelivery()) {
			if (task.isUnpublished()) {
				this.events.finished(task);
			}
			deliver(task);
		}
	}

	/** Delivers a decided outcome to its one destination; never throws. */
	void deliver(Task task) {
		ExecutionChain[] chains = this.chains;
		TaskHandler handler = task.handler();
		try {
			if (chains != null && handler.index() >= 0 && handler.index() < chains.length
					&& !chains[handler.index()].isDirectFor(task)) {
				chains[handler.index()].deliver(task, () -> deliverDirect(task));
			}
			else {
				deliverDirect(task);
			}
		}
		catch (Throwable ex) {
			logger.error("Delivering the outcome of " + SafeText.of(task) + " failed", ex);
		}
	}

	private void deliverDirect(Task task) {
		TaskCallback<Object> callback = task.callback();
		if (callback != null) {
			try {
				callback.onFinish(task);
			}
			catch (Throwable ex) {
				listenerFailed(task, "callback " + SafeText.of(callback), ex);
			}
			return;
		}
		TaskHandler handler = task.handler();
		Object value = task.value();
		FinishListener[] listeners = (value != null) ? handler.listenersFor(value.getClass())
				: handler.resultListeners();
		for (FinishListener listener : listeners) {
			try {
				listener.invoke(task, task);
			}
			catch (Throwable ex) {
				listenerFailed(task, "@OnFinish method " + listener, ex);
			}
		}
	}

	private void listenerFailed(Task task, String listener, Throwable ex) {
		try {
			this.events.listenerFailed(task, ex);
			logger.warn("The " + listener + " threw for " + task + "; the other listeners still ran", ex);
		}
		catch (Throwable logFailure) {
			// a throwable whose printing throws must not escape either
			logger.warn("The " + listener + " threw " + ex.getClass().getName() + " for task " + task.taskId());
		}
	}

	/** Counts a result that arrived after its waiter gave up. */
	public void resultDropped(TaskHandler handler) {
		this.events.resultDropped(handler);
	}

}
