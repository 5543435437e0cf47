package io.github.asynctask.workers;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Producers waiting for room in a full queue under {@code when-full: block}: a producer goes on as soon as a slot
 * frees (a task taken, cancelled or withdrawn), not when a task ends. A producer announces itself (a volatile
 * increment) before it re-tries its offer, and whoever frees a slot reads that count after freeing it, so no signal is
 * missed (see {@link WorkerQueue}); with nobody waiting, freeing a slot costs one volatile read.
 * <p>
 * Threading: {@link #await} on dispatching threads; {@link #roomMade} from any thread.
 */
final class RoomWaiters {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition room = this.lock.newCondition();

	private final AtomicInteger waiting = new AtomicInteger();

	/**
	 * Retries {@code offer} until it succeeds, the deadline passes or {@code stopped} says so.
	 * @return {@code true} once the offer succeeded
	 */
	boolean await(BooleanSupplier offer, long deadlineNanos, BooleanSupplier stopped) {
		this.waiting.incrementAndGet();
		this.lock.lock();
		try {
			for (;;) {
				if (offer.getAsBoolean()) {
					return true;
				}
				long remaining = deadlineNanos - System.nanoTime();
				if (remaining <= 0 || stopped.getAsBoolean()) {
					return false;
				}
				this.room.awaitNanos(remaining);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		finally {
			this.lock.unlock();
			this.waiting.decrementAndGet();
		}
	}

	/** A slot was freed: wakes the producers waiting for room, if any. */
	void roomMade() {
		if (this.waiting.get() > 0) {
			this.lock.lock();
			try {
				this.room.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	/** Producers waiting now. */
	int waiting() {
		return this.waiting.get();
	}

}
