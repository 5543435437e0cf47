package io.github.asynctask.server;

import io.github.asynctask.execution.Task;

/** {@link WhenFull#BLOCK}: wait for a free slot up to {@code block-timeout}, then refuse. */
final class BlockWhenFullPolicy implements WhenFullPolicy {

	@Override
	public boolean onFull(Task task, LocalTransport transport) {
		return block(task, transport, "");
	}

	static boolean block(Task task, LocalTransport transport, String why) {
		if (transport.awaitRoom(task)) {
			return true;
		}
		if (transport.isStopping()) {
			throw transport.rejection(task, transport.notRunningMessage());
		}
		throw transport.rejection(task, transport.fullMessage(task) + why + " and stayed full for "
				+ "async-task.block-timeout (" + transport.settings().blockTimeout().toMillis() + "ms). Raise "
				+ "async-task.queue-capacity or async-task.task-worker-num, or use tryDispatch(...) to shed load.");
	}

}
