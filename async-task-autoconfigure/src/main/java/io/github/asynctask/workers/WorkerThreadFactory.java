package io.github.asynctask.workers;

import java.util.concurrent.ThreadFactory;

/**
 * Makes the worker threads: daemon platform threads named {@code <prefix><worker id>}, created without inheriting
 * the creating thread's inheritable thread-locals, with normal priority, in the group of the thread that made the
 * factory, and with the application's class loader as context class loader,
 * so that a thread made to replace another (after {@code task-max-request} tasks, or a stuck one) carries nothing a
 * task left on the thread that asked for it.
 * <p>
 * Threading: any thread may call {@link #newThread}.
 */
public class WorkerThreadFactory implements ThreadFactory {

	private final String prefix;

	private final ClassLoader classLoader;

	private final ThreadGroup group;

	public WorkerThreadFactory(String prefix, ClassLoader classLoader) {
		this.prefix = prefix;
		this.classLoader = classLoader;
		this.group = Thread.currentThread().getThreadGroup();
	}

	/** A thread for the worker whose id the runnable's {@code toString()} gives. */
	@Override
	public Thread newThread(Runnable runnable) {
		Thread thread = new Thread(this.group, runnable, this.prefix + runnable, 0, false);
		thread.setDaemon(true);
		thread.setPriority(Thread.NORM_PRIORITY);
		thread.setContextClassLoader(this.classLoader);
		return thread;
	}

}
