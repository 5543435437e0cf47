package io.github.asynctask.workers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The queue of {@link DispatchMode#SHARED_QUEUE}: a bounded, lock-free, multi-producer multi-consumer FIFO queue
 * (Dmitry Vyukov's array queue). Each slot carries a sequence number that says whether it is free for the producer
 * of a given position or full for its consumer, so {@code offer} and {@code poll} are one CAS each and allocate
 * nothing.
 * <p>
 * Capacity: as in {@link WorkerQueue}, a cancelled task is a tombstone that leaves the count at once; the ring has
 * twice the capacity in slots so that tombstones take no room from live tasks unless more than {@code capacity} of
 * them wait at once.
 * <p>
 * Threading: every method may be called from any thread. {@link #isEmptyOrFilling} reads the tail with volatile
 * semantics: a worker that announces it is about to park and then sees an empty queue cannot miss a producer that
 * enqueued after reading the announcement (both sides use sequentially consistent accesses).
 */
final class SharedTaskQueue<E> {

	private static final VarHandle HEAD;

	private static final VarHandle TAIL;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			HEAD = lookup.findVarHandle(SharedTaskQueue.class, "head", long.class);
			TAIL = lookup.findVarHandle(SharedTaskQueue.class, "tail", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final int capacity;

	/** Slots in the ring: twice the capacity, at least 2 (with 1 slot "full" and "free" would look alike). */
	private final int slots;

	private final Object[] elements;

	private final AtomicLongArray sequences;

	private final AtomicLong cancelled = new AtomicLong();

	private final AtomicLong passed = new AtomicLong();

	// head and tail on separate cache lines: producers write one, consumers the other
	@SuppressWarnings("unused")
	private long p01, p02, p03, p04, p05, p06, p07;

	private volatile long tail;

	@SuppressWarnings("unused")
	private long p11, p12, p13, p14, p15, p16, p17;

	private volatile long head;

	@SuppressWarnings("unused")
	private long p21, p22, p23, p24, p25, p26, p27;

	SharedTaskQueue(int capacity) {
		this.capacity = capacity;
		this.slots = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(2L, 2L * capacity));
		this.elements = new Object[this.slots];
		this.sequences = new AtomicLongArray(this.slots);
		for (int i = 0; i < this.slots; i++) {
			this.sequences.lazySet(i, i);
		}
	}

	/**
	 * Adds an element at the tail if there is room.
	 * @return its position, or {@code -1} if the queue was full
	 */
	long offer(E element) {
		long pos = this.tail;
		for (;;) {
			int index = (int) (pos % this.slots);
			long seq = this.sequences.get(index);
			long diff = seq - pos;
			if (diff == 0) {
				if (pos - this.head - tombstones() >= this.capacity) {
					return -1;
				}
				if (TAIL.compareAndSet(this, pos, pos + 1)) {
					this.elements[index] = element;
					this.sequences.lazySet(index, pos + 1);
					return pos;
				}
				pos = this.tail;
			}
			else if (diff < 0) {
				return -1;
			}
			else {
				pos = this.tail;
			}
		}
	}

	private long tombstones() {
		return Math.max(0, this.cancelled.get() - this.passed.get());
	}

	/**
	 * Removes the head element.
	 * @return the element, or {@code null} if the queue is empty (or its head is still being written)
	 */
	@SuppressWarnings("unchecked")
	@Nullable E poll() {
		long pos = this.head;
		for (;;) {
			int index = (int) (pos % this.slots);
			long seq = this.sequences.get(index);
			long diff = seq - (pos + 1);
			if (diff == 0) {
				if (HEAD.compareAndSet(this, pos, pos + 1)) {
					Object element = this.elements[index];
					this.elements[index] = null;
					this.sequences.lazySet(index, pos + this.slots);
					return (E) element;
				}
				pos = this.head;
			}
			else if (diff < 0) {
				return null;
			}
			else {
				pos = this.head;
			}
		}
	}

	/** The element at a position if it is still queued there, else {@code null}. */
	@SuppressWarnings("unchecked")
	@Nullable E peek(long position) {
		int index = (int) (position % this.slots);
		if (position < this.head || this.sequences.get(index) != position + 1) {
			return null;
		}
		Object element = this.elements[index];
		return (position >= this.head && this.sequences.get(index) == position + 1) ? (E) element : null;
	}

	/** A queued element was cancelled: it leaves the count now and stays as a tombstone until passed. */
	void cancelled() {
		this.cancelled.incrementAndGet();
	}

	/** A consumer took a tombstone off the queue. */
	void passed() {
		this.passed.incrementAndGet();
	}

	/** Whether nothing was ever enqueued past the head: no element, and none being written. */
	boolean isEmptyOrFilling() {
		return this.tail == this.head;
	}

	/** Live elements queued now: tombstones excluded. */
	int size() {
		long head = this.head;
		long size = this.tail - head - (this.cancelled.get() - this.passed.get());
		return (int) Math.max(0, Math.min(size, this.capacity));
	}

	/**
	 * Visits the elements now queued (tombstones included), without removing them. A position claimed but not yet
	 * published is waited for, so that a sweep at shutdown misses no accepted task; one consumed meanwhile is skipped.
	 */
	@SuppressWarnings("unchecked")
	void forEachQueued(Consumer<E> action) {
		long to = this.tail;
		for (long pos = this.head; pos < to; pos++) {
			int index = (int) (pos % this.slots);
			while (this.sequences.get(index) < pos + 1 && this.head <= pos) {
				Thread.onSpinWait();
			}
			Object element = this.elements[index];
			if (element != null && this.head <= pos && this.sequences.get(index) == pos + 1) {
				action.accept((E) element);
			}
		}
	}

}
