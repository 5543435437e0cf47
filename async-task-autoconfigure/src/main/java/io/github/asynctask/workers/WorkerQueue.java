package io.github.asynctask.workers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A worker's own queue: bounded, lock-free, many producers and one consumer (the worker's current thread), in the
 * manner of JCTools' {@code MpscArrayQueue}. A producer claims a position with one CAS and publishes the element
 * with a release store; an empty slot is {@code null}. Producers read the consumer's position only when the room
 * they last saw is used up, so a task costs few cache-line transfers between the dispatching thread and the worker.
 * <p>
 * Capacity: a cancelled task stays in its slot as a tombstone until the consumer passes it, but leaves the count at
 * once: {@link #size} and the room producers see are {@code positions claimed - positions consumed - tombstones}.
 * The slot array has twice the capacity (rounded up to a power of two), so tombstones take no room from live tasks
 * unless more than {@code capacity} of them wait behind one running task; then the queue is full until the
 * consumer moves on.
 * <p>
 * Threading: {@link #offer}, {@link #cancelled}, {@link #peek}, {@link #forEachQueued}, {@link #size} from any
 * thread; {@link #poll} and {@link #passed} only from the consumer. The consumer publishes its position with a
 * volatile store and producers read it with a volatile load, so a producer that announces it waits for room (a
 * volatile write) and then finds no room cannot miss the consumer's signal (Dekker: both sides are sequentially
 * consistent). {@link #isEmptyOrFilling} reads the producer position with volatile semantics for the same reason on
 * the parking side.
 */
final class WorkerQueue<E> {

	private static final VarHandle PRODUCER_INDEX;

	private static final VarHandle PRODUCER_LIMIT;

	private static final VarHandle CONSUMER_INDEX;

	private static final VarHandle PASSED;

	private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(Object[].class);

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			PRODUCER_INDEX = lookup.findVarHandle(WorkerQueue.class, "producerIndex", long.class);
			PRODUCER_LIMIT = lookup.findVarHandle(WorkerQueue.class, "producerLimit", long.class);
			CONSUMER_INDEX = lookup.findVarHandle(WorkerQueue.class, "consumerIndex", long.class);
			PASSED = lookup.findVarHandle(WorkerQueue.class, "passed", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final int capacity;

	/**
	 * The slots: a power of two at least twice the capacity, so a position maps to its slot with a mask. Producers
	 * never run more than the slot count ahead of the consumer, so no slot is reused before it is consumed.
	 */
	private final Object[] elements;

	private final int mask;

	/** Tombstones ever made: tasks cancelled while in this queue (written by cancellers). */
	private final AtomicLong cancelled = new AtomicLong();

	@SuppressWarnings("unused")
	private long p01, p02, p03, p04, p05, p06, p07;

	private volatile long producerIndex;

	/** The position producers may claim up to without reading the consumer's position. */
	private volatile long producerLimit;

	@SuppressWarnings("unused")
	private long p11, p12, p13, p14, p15, p16, p17;

	private volatile long consumerIndex;

	/** Tombstones the consumer has passed (consumer only). */
	private volatile long passed;

	@SuppressWarnings("unused")
	private long p21, p22, p23, p24, p25, p26, p27;

	WorkerQueue(int capacity) {
		this.capacity = capacity;
		int slots = Integer.highestOneBit(Math.max(1, capacity * 2 - 1)) << 1;
		this.elements = new Object[Math.max(2, slots)];
		this.mask = this.elements.length - 1;
		this.producerLimit = capacity;
	}

	/**
	 * Adds an element at the tail if there is room.
	 * @return its position, or {@code -1} if the queue was full
	 */
	long offer(E element) {
		long limit = this.producerLimit;
		long index;
		do {
			index = this.producerIndex;
			if (index >= limit) {
				limit = refreshLimit();
				if (index >= limit) {
					return -1;
				}
			}
		}
		while (!PRODUCER_INDEX.compareAndSet(this, index, index + 1));
		ELEMENTS.setRelease(this.elements, slot(index), element);
		return index;
	}

	private long refreshLimit() {
		long consumer = this.consumerIndex;
		long tombstones = Math.max(0, this.cancelled.get() - this.passed);
		long limit = consumer + Math.min(this.elements.length, this.capacity + tombstones);
		this.producerLimit = limit;
		return limit;
	}

	/**
	 * Removes the head element; only the consumer thread may call this.
	 * @return the element, or {@code null} if the queue is empty
	 */
	@SuppressWarnings("unchecked")
	@Nullable E poll() {
		long index = (long) CONSUMER_INDEX.getOpaque(this);
		int slot = slot(index);
		Object element = ELEMENTS.getAcquire(this.elements, slot);
		if (element == null) {
			if (index == this.producerIndex) {
				return null;
			}
			// a producer claimed the position and is about to publish it
			do {
				Thread.onSpinWait();
				element = ELEMENTS.getAcquire(this.elements, slot);
			}
			while (element == null);
		}
		ELEMENTS.setOpaque(this.elements, slot, null);
		this.consumerIndex = index + 1; // volatile: see the class comment
		return (E) element;
	}

	/** The element at a position if it is still queued there (not consumed), else {@code null}. */
	@SuppressWarnings("unchecked")
	@Nullable E peek(long position) {
		if (position < this.consumerIndex || position >= this.producerIndex) {
			return null;
		}
		Object element = ELEMENTS.getAcquire(this.elements, slot(position));
		return (position >= this.consumerIndex) ? (E) element : null;
	}

	/** A queued element was cancelled: it leaves the count now and stays as a tombstone until passed. */
	void cancelled() {
		this.cancelled.incrementAndGet(); // producers see the room when they next re-read the limit
	}

	/** The consumer took a tombstone off the queue; only the consumer thread may call this. */
	void passed() {
		PASSED.setRelease(this, this.passed + 1);
	}

	private int slot(long index) {
		return (int) index & this.mask;
	}

	/** Whether no position past the consumer's was claimed: no element, and none being written. */
	boolean isEmptyOrFilling() {
		return this.producerIndex == this.consumerIndex;
	}

	/** Positions claimed since creation (including elements being written). */
	long enqueued() {
		return this.producerIndex;
	}

	/**
	 * Positions claimed and not yet taken by the consumer (tombstones included): the queue's length as a dispatcher
	 * compares it. Reads the consumer's position, a line the consumer writes for every element.
	 */
	long length() {
		return this.producerIndex - this.consumerIndex;
	}

	/** Live elements queued now: tombstones excluded. */
	int size() {
		long consumer = this.consumerIndex;
		long size = this.producerIndex - consumer - (this.cancelled.get() - this.passed);
		return (int) Math.max(0, Math.min(size, this.capacity));
	}

	/**
	 * Visits the elements now queued (tombstones included), without removing them. A position claimed but not yet
	 * published is waited for, so that a sweep at shutdown misses no accepted task; one consumed meanwhile is skipped.
	 */
	@SuppressWarnings("unchecked")
	void forEachQueued(Consumer<E> action) {
		long to = this.producerIndex;
		for (long index = this.consumerIndex; index < to; index++) {
			int slot = slot(index);
			Object element;
			while ((element = ELEMENTS.getAcquire(this.elements, slot)) == null && this.consumerIndex <= index) {
				Thread.onSpinWait();
			}
			if (element != null && this.consumerIndex <= index) {
				action.accept((E) element);
			}
		}
	}

}
