package io.github.asynctask.delay;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import io.github.asynctask.dispatch.Admission;
import io.github.asynctask.dispatch.Routing;
import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.SafeText;
import io.github.asynctask.execution.Task;
import io.github.asynctask.transport.TaskTransport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The timer of a server's delayed tasks ({@code TaskTemplate.after}, {@code at}): one binary heap by due time and one
 * thread for all of them, started with the first delayed task. A task waits here, outside every worker queue, until
 * it is due; the timer then hands it to the transport as {@link Admission#TRY} does for a new task: never blocking,
 * never running it on the timer's thread. A due task that finds no room waits in its lane (its worker, or "any
 * worker"), first in first out, and is offered again every millisecond until there is room: it is never dropped nor
 * refused, and one full worker never holds up another lane. Tasks of one key share a lane, so they keep their order.
 * <p>
 * Cost: O(log n) per task, no thread, future or entry object per task: a waiting task takes about 45 to 90 bytes
 * here beyond the task itself (a heap of three arrays, a table of ids).
 * <p>
 * Threading: {@link #schedule}, {@link #cancel} and the counts from any thread; {@link #open} and {@link #close} by
 * the server's lifecycle. Everything takes one lock, briefly; it is never held while user code runs (the outcomes
 * of cancelled tasks are delivered after it is released).
 */
public final class DelayedTasks {

	private static final Log logger = LogFactory.getLog(DelayedTasks.class);

	/** How often due tasks that found no room are offered again. */
	private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final TaskTransport transport;

	private final Completion completion;

	private final int workers;

	private final ReentrantLock lock = new ReentrantLock();

	/** Signalled when a task becomes the earliest, and at close. */
	private final Condition changed = this.lock.newCondition();

	/** The tasks not yet due, and those cancelled while they waited (until they come up or the heap is compacted). */
	private final DueHeap heap = new DueHeap();

	/** Every task the timer holds: not yet due (in the heap), or due and waiting for room (in a lane). */
	private final HeldTasks held = new HeldTasks();

	/** Due tasks that found no room, per lane: 0 for any worker, 1 + n for worker n. */
	private final @Nullable ArrayDeque<Task>[] lanes;

	/** Held tasks not yet due. */
	private int notDue;

	/**
	 * When the timer last moved due tasks to their lanes: every task in the heap is due after it, every task in a
	 * lane at or before it.
	 */
	private long lastMoved = System.nanoTime();

	private volatile long scheduledCount;

	private volatile long dueCount;

	/** The timer's thread; a thread that finds it is not this one any more ends. */
	private @Nullable Thread thread;

	private boolean closed;

	/**
	 * A timer handing due tasks to {@code transport}.
	 * @param workers the task workers behind the transport, which a task's routing picks from
	 */
	@SuppressWarnings("unchecked")
	public DelayedTasks(TaskTransport transport, Completion completion, int workers) {
		this.transport = transport;
		this.completion = completion;
		this.workers = Math.max(1, workers);
		this.lanes = new ArrayDeque[this.workers + 1];
	}

	/**
	 * Takes a task until it is due ({@link Task#dueNanos()}, set by the caller).
	 * @return {@code false} if the timer is closed (the server stops): the task was not taken
	 */
	public boolean schedule(Task task) {
		this.lock.lock();
		try {
			if (this.closed) {
				return false;
			}
			add(task);
			published();
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Takes a batch, whole: every task or none.
	 * @return {@code false} if the timer is closed: no task was taken
	 */
	public boolean scheduleAll(Task[] tasks) {
		this.lock.lock();
		try {
			if (this.closed) {
				return false;
			}
			for (Task task : tasks) {
				add(task);
			}
			published();
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void add(Task task) {
		long due = task.dueNanos();
		boolean earliest;
		if (due - this.lastMoved <= 0) {
			lane(task).addLast(task); // due before the timer's last round saw it: straight to its lane
			earliest = true;
		}
		else {
			earliest = this.heap.isEmpty() || due - this.heap.peekDue() < 0;
			this.heap.add(task);
			this.notDue++;
		}
		this.held.put(task);
		if (this.thread == null) {
			Thread thread = new Thread(null, this::run, "async-task-delay-timer", 0, false);
			thread.setDaemon(true);
			thread.setContextClassLoader(DelayedTasks.class.getClassLoader());
			this.thread = thread;
			thread.start();
		}
		else if (earliest) {
			this.changed.signal();
		}
	}

	/**
	 * Cancels a task the timer holds: it ends {@code CANCELLED}, its outcome delivered on the calling thread.
	 * @return {@code true} if the timer held it (not yet handed to the transport) and it had not ended otherwise
	 */
	public boolean cancel(long taskId) {
		Task task;
		boolean due;
		this.lock.lock();
		try {
			task = this.held.remove(taskId);
			if (task == null) {
				return false;
			}
			due = task.dueNanos() - this.lastMoved <= 0;
			if (!due) {
				this.notDue--;
				int stale = this.heap.size() - this.notDue;
				if (stale > 1024 && stale > this.heap.size() / 2) {
					this.heap.retain(this.held::holds); // cancelled tasks would stay until their due time
				}
			}
			published();
		}
		finally {
			this.lock.unlock();
		}
		return this.completion.cancel(task,
				due ? "was cancelled when due, while it waited for room" : "was cancelled before it was due", true);
	}

	/** Delayed tasks not yet due. */
	public long scheduled() {
		return this.scheduledCount;
	}

	/** Delayed tasks due and waiting for room in the queues. */
	public long due() {
		return this.dueCount;
	}

	/** Takes tasks again after a {@link #close}. */
	public void open() {
		this.lock.lock();
		try {
			this.closed = false;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Stops taking tasks and stops the timer. The tasks not yet due end {@code CANCELLED} at once; the due ones that
	 * wait for room are still offered, on the calling thread, until {@code deadlineNanos}, and those still left then
	 * end {@code CANCELLED} too. Afterwards the timer hands nothing more to the transport.
	 * @param reason completes "Task 7 'SendEmail' ..." for the tasks not yet due
	 * @param deadlineNanos a {@link System#nanoTime()} value
	 * @return how many tasks ended {@code CANCELLED}
	 */
	public int close(String reason, long deadlineNanos) {
		List<Task> notYetDue = new ArrayList<>();
		this.lock.lock();
		try {
			this.closed = true;
			this.thread = null;
			this.changed.signalAll();
			this.heap.drain((task) -> {
				if (this.held.holds(task)) {
					this.held.remove(task.taskId());
					notYetDue.add(task);
				}
			});
			this.notDue = 0;
			published();
		}
		finally {
			this.lock.unlock();
		}
		int cancelled = 0;
		for (Task task : notYetDue) {
			if (this.completion.cancel(task, reason, true)) {
				cancelled++;
			}
		}
		return cancelled + flush(deadlineNanos);
	}

	/** Offers the due tasks that wait for room until none is left or the deadline; cancels the rest. */
	private int flush(long deadlineNanos) {
		for (;;) {
			List<Refused> refused;
			List<Task> left = null;
			this.lock.lock();
			try {
				refused = offerDue();
				if (this.held.size() > 0 && System.nanoTime() - deadlineNanos >= 0) {
					left = new ArrayList<>(this.held.size());
					for (ArrayDeque<Task> lane : this.lanes) {
						if (lane != null) {
							for (Task task : lane) {
								if (this.held.holds(task)) {
									left.add(task);
								}
							}
							lane.clear();
						}
					}
					this.held.clear();
				}
				published();
			}
			finally {
				this.lock.unlock();
			}
			cancel(refused);
			if (left != null) {
				int cancelled = 0;
				for (Task task : left) {
					if (this.completion.cancel(task, "was due but found no room in the queues before the task server "
							+ "stopped", true)) {
						cancelled++;
					}
				}
				return cancelled;
			}
			if (this.dueCount == 0) {
				return 0;
			}
			LockSupport.parkNanos(RETRY_NANOS);
		}
	}

	// The timer's thread

	private void run() {
		this.lock.lock();
		try {
			while (this.thread == Thread.currentThread()) {
				long now = System.nanoTime();
				List<Refused> refused = null;
				try {
					moveDue(now);
					// before any is offered: a due task may run, and its waiter read the stats, before this round ends
					published();
					refused = offerDue();
					published();
				}
				catch (Throwable ex) {
					logger.error("The delayed-task timer failed a round; it goes on", ex);
				}
				if (refused != null && !refused.isEmpty()) {
					this.lock.unlock();
					try {
						cancel(refused);
					}
					finally {
						this.lock.lock();
					}
					continue;
				}
				awaitNextRound(now);
			}
		}
		finally {
			if (this.thread == Thread.currentThread()) {
				this.thread = null; // ended by a failure: the next task starts another
			}
			this.lock.unlock();
		}
	}

	/** Sleeps until the earliest task is due, or the next offer of due tasks that wait for room. */
	private void awaitNextRound(long now) {
		long wait = (this.held.size() > this.notDue) ? RETRY_NANOS : Long.MAX_VALUE;
		if (!this.heap.isEmpty()) {
			wait = Math.min(wait, this.heap.peekDue() - now);
		}
		try {
			if (wait == Long.MAX_VALUE) {
				this.changed.await();
			}
			else if (wait > 0) {
				this.changed.awaitNanos(wait);
			}
		}
		catch (InterruptedException ex) {
			// no one of ours interrupts the timer: absorbed, the loop decides whether to go on
		}
	}

	/** Moves every task due by {@code now} from the heap to its lane. */
	private void moveDue(long now) {
		while (!this.heap.isEmpty() && this.heap.peekDue() - now <= 0) {
			Task task = this.heap.poll();
			if (this.held.holds(task)) { // else cancelled while it waited
				this.notDue--;
				lane(task).addLast(task);
			}
		}
		this.lastMoved = now;
	}

	private ArrayDeque<Task> lane(Task task) {
		Routing routing = task.routing();
		int lane = routing.isAny() ? 0
				: 1 + ((routing.workerId() >= 0) ? routing.workerId() % this.workers : routing.keySlot(this.workers));
		ArrayDeque<Task> tasks = this.lanes[lane];
		if (tasks == null) {
			tasks = new ArrayDeque<>();
			this.lanes[lane] = tasks;
		}
		return tasks;
	}

	/**
	 * Offers the due tasks to the transport, each lane in order until one finds no room. Under the lock, so a cancel
	 * finds a task either here or in the transport.
	 * @return the tasks the transport refused with an exception, to be cancelled after the lock is released
	 */
	private List<Refused> offerDue() {
		List<Refused> refused = List.of();
		for (ArrayDeque<Task> lane : this.lanes) {
			Task task;
			while (lane != null && (task = lane.peekFirst()) != null) {
				if (!this.held.holds(task)) {
					lane.pollFirst(); // cancelled while it waited for room
					continue;
				}
				try {
					if (!this.transport.send(task, Admission.TRY)) {
						break; // no room in this lane: offered again in the next round
					}
				}
				catch (RuntimeException ex) {
					refused = (refused.isEmpty()) ? new ArrayList<>() : refused;
					refused.add(new Refused(task, ex));
				}
				lane.pollFirst();
				this.held.remove(task.taskId());
			}
		}
		return refused;
	}

	private void cancel(List<Refused> refused) {
		for (Refused entry : refused) {
			logger.error("The transport refused " + SafeText.of(entry.task()) + " when it was due; it ends CANCELLED",
					entry.error());
			this.completion.cancel(entry.task(), "was refused by the transport when it was due: "
					+ SafeText.of(entry.error()), true);
		}
	}

	/** Publishes the counts for readers without the lock; called under it. */
	private void published() {
		this.scheduledCount = this.notDue;
		this.dueCount = this.held.size() - this.notDue;
	}

	private record Refused(Task task, RuntimeException error) {
	}

}
