package io.github.asynctask.execution;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.jspecify.annotations.Nullable;

/**
 * One named daemon thread for a component's periodic background work (the dashboard's throughput ring, the Redis
 * cluster monitor), started and stopped with the component's lifecycle; a stop interrupts what it runs.
 * <p>
 * Threading: every method may be called from any thread.
 */
public final class DaemonScheduler {

	private final String threadName;

	private @Nullable ScheduledExecutorService scheduler;

	/**
	 * @param threadName the name of the thread
	 */
	public DaemonScheduler(String threadName) {
		this.threadName = threadName;
	}

	/**
	 * Starts the thread.
	 * @return the scheduler to submit the work to, or {@code null} if it was started already
	 */
	public synchronized @Nullable ScheduledExecutorService start() {
		if (this.scheduler != null) {
			return null;
		}
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, this.threadName);
			thread.setDaemon(true);
			return thread;
		});
		return this.scheduler;
	}

	/** Stops the thread, interrupting what it runs; it can be started again. */
	public synchronized void stop() {
		ScheduledExecutorService scheduler = this.scheduler;
		this.scheduler = null;
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
	}

	public synchronized boolean isRunning() {
		return this.scheduler != null;
	}

}
