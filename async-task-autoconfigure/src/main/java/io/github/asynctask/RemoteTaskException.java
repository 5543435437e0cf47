package io.github.asynctask;

import org.jspecify.annotations.Nullable;

/**
 * The failure of a task that ran on another node (redis mode), as that node reported it: the class name, message
 * and stack trace of the exception its handler threw. It is the cause of the {@link TaskFailedException} (and the
 * {@link TaskResult#error()}) on the dispatching node. No exception class is ever instantiated from a message: the
 * remote exception's type is only its name here.
 */
public class RemoteTaskException extends AsyncTaskException {

	private final String remoteClassName;

	private final @Nullable String remoteMessage;

	private final String node;

	/**
	 * A remote failure.
	 * @param remoteClassName the class name of the exception thrown on the remote node
	 * @param remoteMessage its message, if it had one
	 * @param node the node that ran the task
	 * @param stackTrace its stack trace, as the remote node reported it
	 */
	public RemoteTaskException(String remoteClassName, @Nullable String remoteMessage, String node,
			StackTraceElement[] stackTrace) {
		super(remoteClassName + ((remoteMessage != null) ? ": " + remoteMessage : "") + " (on node " + node + ")");
		this.remoteClassName = remoteClassName;
		this.remoteMessage = remoteMessage;
		this.node = node;
		setStackTrace(stackTrace);
	}

	/** The class name of the exception thrown on the remote node, e.g. {@code java.io.IOException}. */
	public String getRemoteClassName() {
		return this.remoteClassName;
	}

	/** The message of the exception thrown on the remote node, if it had one. */
	public @Nullable String getRemoteMessage() {
		return this.remoteMessage;
	}

	/** The node that ran the task (its {@code async-task.redis.node-id}). */
	public String getNode() {
		return this.node;
	}

}
