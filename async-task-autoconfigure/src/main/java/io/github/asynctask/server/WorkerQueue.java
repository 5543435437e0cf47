package io.github.asynctask.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A worker's own queue: bounded, lock-free, many producers and one consumer (the worker's thread), in the manner of
 * JCTools' {@code MpscArrayQueue}. A producer claims a position with one CAS and publishes the element with a
 * release store; an empty slot is {@code null}. Producers read the consumer's position only when the capacity they
 * last saw is used up, and the consumer never writes a line producers read on every offer, so a task costs few
 * cache-line transfers between the dispatching thread and the worker.
 * <p>
 * Threading: {@link #offer} from any thread; {@link #poll} only from the worker's thread;
 * {@link #forEachQueued}, {@link #size} and {@link #enqueued} from any thread.
 * {@link #isEmptyOrFilling} reads the producer position with volatile semantics: a worker that announces it is
 * about to park and then sees no claimed position cannot miss a producer that claimed one after reading the
 * announcement.
 */
final class WorkerQueue<E> {

	private static final VarHandle PRODUCER_INDEX;

	private static final VarHandle PRODUCER_LIMIT;

	private static final VarHandle CONSUMER_INDEX;

	private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(Object[].class);

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			PRODUCER_INDEX = lookup.findVarHandle(WorkerQueue.class, "producerIndex", long.class);
			PRODUCER_LIMIT = lookup.findVarHandle(WorkerQueue.class, "producerLimit", long.class);
			CONSUMER_INDEX = lookup.findVarHandle(WorkerQueue.class, "consumerIndex", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final int capacity;

	/**
	 * The slots: a power of two at least the capacity, so a position maps to its slot with a mask. Producers
	 * never run more than {@code capacity} ahead of the consumer, so no slot is reused before it is consumed.
	 */
	private final Object[] elements;

	private final int mask;

	@SuppressWarnings("unused")
	private long p01, p02, p03, p04, p05, p06, p07;

	private volatile long producerIndex;

	/** The position producers may claim up to without reading the consumer's position. */
	private volatile long producerLimit;

	@SuppressWarnings("unused")
	private long p11, p12, p13, p14, p15, p16, p17;

	private volatile long consumerIndex;

	@SuppressWarnings("unused")
	private long p21, p22, p23, p24, p25, p26, p27;

	WorkerQueue(int capacity) {
		this.capacity = capacity;
		int slots = (capacity <= 1) ? 1 : Integer.highestOneBit(capacity - 1) << 1;
		this.elements = new Object[slots];
		this.mask = slots - 1;
		this.producerLimit = capacity;
	}

	/**
	 * Adds an element at the tail if there is room.
	 * @return {@code false} if the queue was full
	 */
	boolean offer(E element) {
		long limit = (long) PRODUCER_LIMIT.getVolatile(this);
		long index;
		do {
			index = this.producerIndex;
			if (index >= limit) {
				limit = this.consumerIndex + this.capacity;
				if (index >= limit) {
					return false;
				}
				PRODUCER_LIMIT.setRelease(this, limit);
			}
		}
		while (!PRODUCER_INDEX.compareAndSet(this, index, index + 1));
		ELEMENTS.setRelease(this.elements, slot(index), element);
		return true;
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
		CONSUMER_INDEX.setRelease(this, index + 1);
		return (E) element;
	}

	private int slot(long index) {
		return (int) index & this.mask;
	}

	/** Whether no position past the consumer's was claimed: no element, and none being written. */
	boolean isEmptyOrFilling() {
		return this.producerIndex == this.consumerIndex;
	}

	/** Elements enqueued since creation (including those being written). */
	long enqueued() {
		return this.producerIndex;
	}

	int size() {
		long consumer = this.consumerIndex;
		long size = this.producerIndex - consumer;
		return (int) Math.max(0, Math.min(size, this.capacity));
	}

	/**
	 * Visits the elements now queued, without removing them. A position claimed but not yet published is waited
	 * for, so that a sweep at shutdown misses no accepted task; one consumed meanwhile is skipped.
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
