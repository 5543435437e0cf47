package io.github.asynctask.execution;

import java.util.List;

import io.github.asynctask.TaskStatus;
import io.github.asynctask.handler.TaskHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Publishes each task event once: updates the task name's {@linkplain TaskHandler#counters() counters}, then tells
 * every {@link TaskObserver}. With no observer, an event is a counter update and nothing more.
 * <p>
 * Threading: every method may be called from any thread; an observer that throws is logged and skipped.
 */
public final class TaskEvents {

	private static final Log logger = LogFactory.getLog(TaskEvents.class);

	private static final TaskObserver[] NONE = {};

	private final TaskObserver[] observers;

	public TaskEvents(List<? extends TaskObserver> observers) {
		this.observers = observers.toArray(NONE);
	}

	/** Whether any observer reads the tasks' dispatch time. */
	public boolean isObserved() {
		for (TaskObserver observer : this.observers) {
			if (observer.readsDispatchTime()) {
				return true;
			}
		}
		return false;
	}

	/** Events with no observer: counters only. */
	public static TaskEvents countersOnly() {
		return new TaskEvents(List.of());
	}

	/**
	 * Counts a task as dispatched before a transport takes it, so that {@code stats()} never shows more tasks
	 * completed than dispatched; {@link #accepted} or {@link #rejected(Task, String)} follows.
	 */
	public void dispatching(Task task) {
		task.handler().counters().dispatched();
	}

	/** The transport took the task. */
	public void accepted(Task task) {
		TaskObserver[] observers = this.observers;
		for (int i = 0; i < observers.length; i++) {
			try {
				observers[i].dispatched(task);
			}
			catch (Throwable ex) {
				observerFailed(observers[i], ex);
			}
		}
	}

	/** The transport refused a task counted by {@link #dispatching}. */
	public void rejected(Task task, String reason) {
		task.handler().counters().undispatched();
		rejected(task.handler(), reason);
		notSent(task, reason);
	}

	/**
	 * A task whose interceptors saw its dispatch never reached the transport (its batch was refused before it):
	 * not counted, only heard, so that what an interceptor started for it ends.
	 */
	public void notSent(Task task, String reason) {
		for (TaskObserver observer : this.observers) {
			try {
				observer.rejected(task, reason);
			}
			catch (Throwable ex) {
				observerFailed(observer, ex);
			}
		}
	}

	/** A dispatch was refused before any task existed. */
	public void rejected(TaskHandler handler, String reason) {
		handler.counters().rejected();
		for (TaskObserver observer : this.observers) {
			try {
				observer.rejected(handler, reason);
			}
			catch (Throwable ex) {
				observerFailed(observer, ex);
			}
		}
	}

	/** A held task of a batch that was refused is taken back: it was never dispatched. */
	public void withdrawn(Task task) {
		task.handler().counters().undispatched();
	}

	public void started(Task task) {
		TaskObserver[] observers = this.observers;
		for (int i = 0; i < observers.length; i++) {
			try {
				observers[i].started(task);
			}
			catch (Throwable ex) {
				observerFailed(observers[i], ex);
			}
		}
	}

	/**
	 * The outcome of a task is decided. It is counted where the task ran (or was decided without running: a cancel, a
	 * stop): a task that ran on another node and whose outcome arrives here ({@link Task#ranElsewhere()}) was counted
	 * there, so that summing over all nodes counts each task once, even when a node runs what it dispatched itself;
	 * here it counts as a result received.
	 */
	public void finished(Task task) {
		TaskStatus status = task.status();
		if (!task.ranElsewhere()) {
			task.handler().counters().completed(status);
		}
		else {
			task.handler().counters().resultReceived(status);
		}
		TaskObserver[] observers = this.observers;
		for (int i = 0; i < observers.length; i++) {
			try {
				observers[i].finished(task);
			}
			catch (Throwable ex) {
				observerFailed(observers[i], ex);
			}
		}
	}

	public void retried(Task task) {
		task.handler().counters().retried();
		for (TaskObserver observer : this.observers) {
			try {
				observer.retried(task);
			}
			catch (Throwable ex) {
				observerFailed(observer, ex);
			}
		}
	}

	public void resultDropped(TaskHandler handler) {
		handler.counters().resultDropped();
		for (TaskObserver observer : this.observers) {
			try {
				observer.resultDropped(handler);
			}
			catch (Throwable ex) {
				observerFailed(observer, ex);
			}
		}
	}

	public void listenerFailed(Task task, Throwable error) {
		task.handler().counters().listenerFailed();
		for (TaskObserver observer : this.observers) {
			try {
				observer.listenerFailed(task, error);
			}
			catch (Throwable ex) {
				observerFailed(observer, ex);
			}
		}
	}

	private static void observerFailed(TaskObserver observer, Throwable ex) {
		logger.warn("Task observer " + SafeText.of(observer) + " threw; ignored", ex);
	}

}
