package io.github.asynctask.execution;

import java.util.concurrent.atomic.AtomicLong;

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
		AtomicLong ids = new AtomicLong();
		return ids::incrementAndGet;
	}

}
