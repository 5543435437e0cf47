package io.github.asynctask.workers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Where the recently dispatched tasks wait, by task id, so that {@code cancel(id)} goes straight to the task's slot
 * instead of scanning every queue. A fixed table of (id, queue, position) entries indexed by the id's low bits: a
 * dispatch writes one entry (two plain stores, no allocation, no reference kept to the task), so an id older than
 * the last {@code size} dispatches may have been overwritten; only then does a cancel fall back to a scan.
 * <p>
 * Threading: {@link #put} from dispatching threads, {@link #find} from cancelling ones. The location is written
 * before the id with a release store and read after it with an acquire, so an entry whose id matches has the
 * location of that task or of a later one overwriting it (which the caller detects by the task's id).
 */
final class TaskIndex {

	static final long UNKNOWN = -1;

	private static final VarHandle ENTRIES = MethodHandles.arrayElementVarHandle(long[].class);

	private static final int QUEUE_BITS = 20;

	/** The most entries (16 MiB): beyond it, cancelling a task older than this many dispatches scans. */
	private static final int MAX_SIZE = 1 << 20;

	private final long[] entries;

	private final int mask;

	/** Entries are interleaved over {@code size / 4} lines: the line of an entry is its low bits. */
	private final int lineMask;

	private final int lineShift;

	/**
	 * @param tasks how many tasks can wait at once; the table holds twice that, rounded up to a power of two
	 */
	TaskIndex(long tasks) {
		long wanted = Math.min(MAX_SIZE, Math.max(1024, tasks * 2));
		int size = Integer.highestOneBit((int) wanted - 1) << 1;
		this.entries = new long[size * 2];
		this.mask = size - 1;
		this.lineMask = (size >>> 2) - 1;
		this.lineShift = Integer.numberOfTrailingZeros(size >>> 2);
	}

	/** Records that a task waits in a queue (a worker id, or the shared queue's number) at a position. */
	void put(long taskId, int queue, long position) {
		int at = at(taskId);
		this.entries[at + 1] = (position << QUEUE_BITS) | queue;
		ENTRIES.setRelease(this.entries, at, taskId);
	}

	/**
	 * The location of a task: {@code (position << 20) | queue}, or {@link #UNKNOWN} if its entry was overwritten
	 * or never written.
	 */
	long find(long taskId) {
		int at = at(taskId);
		if ((long) ENTRIES.getAcquire(this.entries, at) != taskId) {
			return UNKNOWN;
		}
		return this.entries[at + 1];
	}

	/**
	 * The entry of an id: consecutive ids go to consecutive cache lines (4 entries of 16 bytes each per line,
	 * interleaved), so producers dispatching at once do not write one line.
	 */
	private int at(long taskId) {
		int entry = (int) taskId & this.mask;
		int spread = ((entry & this.lineMask) << 2) | (entry >>> this.lineShift);
		return spread << 1;
	}

	static int queue(long location) {
		return (int) (location & ((1 << QUEUE_BITS) - 1));
	}

	static long position(long location) {
		return location >>> QUEUE_BITS;
	}

}
