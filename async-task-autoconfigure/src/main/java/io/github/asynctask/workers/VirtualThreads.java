package io.github.asynctask.workers;

import java.util.concurrent.ThreadFactory;

import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * Virtual threads without giving up the Java 17 baseline: Spring's {@link VirtualThreadTaskExecutor} (a multi-release
 * class) makes them on Java 21+ and refuses on older JVMs.
 */
final class VirtualThreads {

	private VirtualThreads() {
	}

	/**
	 * A factory of virtual threads named {@code prefix} and a number.
	 * @throws IllegalStateException on a JVM before Java 21, saying so
	 */
	static ThreadFactory factory(String prefix) {
		try {
			return new VirtualThreadTaskExecutor(prefix).getVirtualThreadFactory();
		}
		catch (UnsupportedOperationException | LinkageError ex) {
			throw new IllegalStateException("async-task.virtual-threads=true needs Java 21 or later, but this JVM is "
					+ "Java " + Runtime.version().feature() + ". Run on Java 21+, or remove async-task.virtual-threads.",
					ex);
		}
	}

}
