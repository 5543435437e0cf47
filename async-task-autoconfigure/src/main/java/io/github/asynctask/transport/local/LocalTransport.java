package io.github.asynctask.transport.local;

import java.time.Duration;

import io.github.asynctask.dispatch.Admission;
import io.github.asynctask.dispatch.Routing;
import io.github.asynctask.execution.Task;
import io.github.asynctask.transport.TaskTransport;
import io.github.asynctask.workers.WorkerPool;

/**
 * The in-process transport ({@code async-task.transport=local}): a dispatched task goes straight to this process's
 * {@link WorkerPool}, which queues it for its workers. Nothing is encoded and nothing leaves the process.
 * <p>
 * Threading: as {@link TaskTransport}; every call goes to the pool on the calling thread.
 */
public final class LocalTransport implements TaskTransport {

	private final WorkerPool pool;

	public LocalTransport(WorkerPool pool) {
		this.pool = pool;
	}

	@Override
	public String name() {
		return "local";
	}

	@Override
	public boolean send(Task task, Admission admission) {
		return this.pool.offer(task, admission);
	}

	@Override
	public boolean cancel(long taskId) {
		return this.pool.cancel(taskId);
	}

	@Override
	public void withdraw(Task task) {
		this.pool.withdraw(task);
	}

	@Override
	public void validate(Routing routing) {
		this.pool.validate(routing);
	}

	@Override
	public void start() {
		this.pool.start();
	}

	@Override
	public boolean drain(long deadlineNanos) {
		return this.pool.drain(deadlineNanos);
	}

	@Override
	public int cancelQueued(String reason) {
		return this.pool.cancelQueued(reason);
	}

	@Override
	public void terminate(Duration grace) {
		this.pool.terminate(grace);
	}

}
