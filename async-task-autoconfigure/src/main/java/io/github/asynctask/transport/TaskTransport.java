package io.github.asynctask.transport;

import java.time.Duration;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.dispatch.Admission;
import io.github.asynctask.dispatch.Routing;
import io.github.asynctask.execution.Task;

/**
 * The one seam between dispatching a task and running it. The local transport offers tasks to this process's
 * worker pool; a distributed one writes them where other nodes read them, and offers its node's worker pool what it
 * reads. Above it (the template, the server, completion) and below it (the worker pool, the execution chain) the
 * code is the same in every mode. Worker stats and the execution chain's links are not the transport's: the server
 * reads them from the worker pool.
 * <p>
 * Threading: {@link #send} and {@link #cancel} are called concurrently by dispatching threads; the lifecycle
 * methods by the server, one at a time.
 */
public interface TaskTransport {

	/** The transport's name, as configured: {@code "local"} or {@code "redis"}. */
	String name();

	/**
	 * Takes an accepted task, {@code QUEUED} or {@code HELD}, to be run where its {@link Task#routing()} allows.
	 * @return {@code false} only if {@code admission} is {@link Admission#TRY} and there was no room now
	 * @throws TaskRejectedException if the when-full policy refuses it; the message names the problem and the fix
	 */
	boolean send(Task task, Admission admission);

	/**
	 * Takes back a task that has not started: it ends {@code CANCELLED} (through completion) and stops counting
	 * as queued at once.
	 * @return {@code true} if it had not started
	 */
	boolean cancel(long taskId);

	/**
	 * Takes back a held task of a batch that was refused: it never runs and delivers no outcome.
	 */
	void withdraw(Task task);

	/**
	 * Checks that tasks can be routed so.
	 * @throws IllegalArgumentException naming the problem
	 */
	void validate(Routing routing);

	/**
	 * Whether it keeps delayed tasks itself: {@link #send} then takes a task with a {@link Task#dueNanos() due time}
	 * and keeps it until then (in a store that outlives this node). Otherwise the server's timer holds delayed tasks
	 * and sends them when due.
	 */
	default boolean keepsDelayed() {
		return false;
	}

	/** Delayed tasks not yet due that it keeps ({@link #keepsDelayed()}), as last seen; never waits. */
	default long scheduled() {
		return 0;
	}

	/** Starts taking tasks (again, after a stop). */
	void start();

	/**
	 * Stops taking tasks and waits until every task taken has ended, or the deadline passes.
	 * @param deadlineNanos a {@link System#nanoTime()} value
	 * @return {@code true} if nothing is queued or running any more
	 */
	boolean drain(long deadlineNanos);

	/**
	 * Ends every task still waiting {@code CANCELLED}, delivering each outcome.
	 * @return how many
	 */
	int cancelQueued(String reason);

	/**
	 * Interrupts the tasks still running, gives them {@code grace} to end, then ends the rest with a decided
	 * outcome and leaves their threads behind: after this returns, no thread of the transport takes a task.
	 */
	void terminate(Duration grace);

}
