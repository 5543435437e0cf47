package io.github.asynctask.execution;

import io.github.asynctask.TaskStatus;
import org.jspecify.annotations.Nullable;

/**
 * Runs a started task on the calling thread: one attempt through its handler's {@link ExecutionChain}, then its
 * outcome through {@link Completion}. The same code runs tasks on workers, on the caller under {@code caller-runs},
 * and in {@code inline} mode.
 * <p>
 * Threading: {@link #run} never throws: whatever the handler, a link or a listener throws becomes the outcome or
 * is logged and counted.
 */
public final class TaskRunner {

	private final Completion completion;

	private final TaskEvents events;

	private volatile ExecutionChain @Nullable [] chains;

	public TaskRunner(Completion completion) {
		this.completion = completion;
		this.events = completion.events();
	}

	/** The chains tasks run through, indexed by handler; set by the server at start. */
	public void chains(ExecutionChain[] chains) {
		this.chains = chains;
		this.completion.chains(chains);
	}

	public Completion completion() {
		return this.completion;
	}

	/** The chain of a task's handler. */
	public ExecutionChain chain(Task task) {
		return this.chains[task.handler().index()];
	}

	/**
	 * Runs an attempt of a task this thread {@linkplain Task#tryStart started}, then decides and delivers its
	 * outcome unless someone decided it first (its timeout: then this thread delivers what the watchdog decided) or
	 * the retry link put it back for another attempt.
	 * @param tally told of the outcome before it is delivered, if this thread decides it; or {@code null}
	 * @return {@code true} if this thread decided the outcome, {@code false} if someone decided it first or the task
	 * waits for another attempt
	 */
	public boolean run(Task task, Completion.@Nullable Tally tally) {
		this.events.started(task);
		Object outcome;
		try {
			outcome = chain(task).invoke(task);
		}
		catch (AbandonedAttempt ex) {
			// left behind after its timeout and grace: someone else owns the task now
			this.completion.resultDropped(task.handler());
			return false;
		}
		catch (RetryPending ex) {
			return false;
		}
		catch (Throwable ex) {
			return finish(task, (ex instanceof AttemptTimeoutException) ? TaskStatus.TIMED_OUT : TaskStatus.FAILED, ex,
					tally);
		}
		return finish(task, TaskStatus.SUCCEEDED, outcome, tally);
	}

	private boolean finish(Task task, TaskStatus status, @Nullable Object outcome, Completion.@Nullable Tally tally) {
		if (this.completion.finish(task, status, outcome, System.nanoTime(), tally)) {
			return true;
		}
		// decided first by its timeout, whose delivery waited for this thread to come back
		this.completion.deliverDeferred(task);
		return false;
	}

}
