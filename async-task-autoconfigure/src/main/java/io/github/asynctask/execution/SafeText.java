package io.github.asynctask.execution;

import org.jspecify.annotations.Nullable;

/**
 * Text of user objects for messages and logs that cannot throw: an exception whose {@code getMessage()} or
 * {@code toString()} throws must not cost a task its outcome, nor a worker its thread.
 */
public final class SafeText {

	private SafeText() {
	}

	/** {@code String.valueOf(object)}, or its class name and identity if its {@code toString()} throws. */
	public static String of(@Nullable Object object) {
		if (object == null) {
			return "null";
		}
		try {
			return String.valueOf(object);
		}
		catch (Throwable ex) {
			return object.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(object))
					+ " (its toString() threw " + ex.getClass().getName() + ")";
		}
	}

}
