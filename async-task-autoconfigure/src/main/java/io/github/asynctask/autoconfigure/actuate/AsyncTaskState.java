package io.github.asynctask.autoconfigure.actuate;

import java.util.Locale;

import io.github.asynctask.TaskServer;
import io.github.asynctask.actuate.AsyncTaskHealthIndicator.State;
import io.github.asynctask.autoconfigure.AsyncTaskProperties;
import io.github.asynctask.server.DefaultTaskServer;

import org.springframework.context.Lifecycle;

/**
 * What the endpoint and the health indicator read from the server and the properties.
 */
final class AsyncTaskState {

	private AsyncTaskState() {
	}

	static State of(TaskServer server) {
		if (server instanceof DefaultTaskServer defaultServer && defaultServer.isDraining()) {
			return State.DRAINING;
		}
		if (server instanceof Lifecycle lifecycle) {
			return lifecycle.isRunning() ? State.RUNNING : State.STOPPED;
		}
		return State.RUNNING;
	}

	static String dispatchMode(AsyncTaskProperties properties) {
		return properties.getDispatchMode().name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
