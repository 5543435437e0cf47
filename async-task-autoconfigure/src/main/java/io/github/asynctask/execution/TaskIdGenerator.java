package io.github.asynctask.execution;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The one place task ids come from. In-process they count up from 1; a distributed transport supplies a generator
 * whose ids are unique across its nodes.
 * <p>
 * Threading: {@link #next()} is called concurrently by every dispatching thread.
 */
@FunctionalInterface
public interface TaskIdGenerator {

	/** A new id, positive and never returned before by this generator. */
	long next();

	/** Ids 1, 2, 3, ... */
	static TaskIdGenerator sequential() {
		return new Sequential();
	}

	@SuppressWarnings("unused")
	abstract class SequentialPad {

		private long p01, p02, p03, p04, p05, p06, p07, p08;

	}

	@SuppressWarnings("unused")
	abstract class SequentialValue extends SequentialPad {

		volatile long last;

	}

	/**
	 * Counts up, its counter padded onto a cache line of its own: every dispatch writes it, and an unpadded
	 * counter shares its line with whatever was allocated next to it, which workers may write for every task.
	 */
	@SuppressWarnings("unused")
	final class Sequential extends SequentialValue implements TaskIdGenerator {

		private static final VarHandle LAST;

		static {
			try {
				LAST = MethodHandles.lookup().findVarHandle(SequentialValue.class, "last", long.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private long p11, p12, p13, p14, p15, p16, p17, p18;

		@Override
		public long next() {
			return (long) LAST.getAndAdd(this, 1L) + 1;
		}

	}

}
