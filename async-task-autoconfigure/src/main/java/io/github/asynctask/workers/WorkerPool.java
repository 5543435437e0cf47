package io.github.asynctask.workers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.WorkerStats;
import io.github.asynctask.dispatch.Admission;
import io.github.asynctask.dispatch.Routing;
import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.RetryInterceptor;
import io.github.asynctask.execution.RetryScheduler;
import io.github.asynctask.execution.Task;
import io.github.asynctask.execution.TaskInterceptor;
import io.github.asynctask.execution.TaskRunner;
import io.github.asynctask.execution.TimeoutWatchdog;
import org.jspecify.annotations.Nullable;

/**
 * The worker pool of this node: {@code task-worker-num} {@link Worker}s, each with its own bounded queue (plus one
 * shared queue in {@link DispatchMode#SHARED_QUEUE}), their {@link WorkerSupervisor}, the {@link WorkerSelector} and
 * {@link WhenFullPolicy} of its settings, the {@code max-concurrency} limits, and the retry and timeout control of
 * the tasks it runs. Built once, from the real settings, and composed by every transport: the local one offers it
 * what is dispatched here, a distributed one what its node reads.
 * <p>
 * Threading: {@link #offer}, {@link #cancel} and {@link #withdraw} are called concurrently by dispatching threads
 * and block only to wait for room under {@code when-full: block}; the lifecycle methods by the transport that
 * composes the pool, one at a time; the stats from any thread.
 */
public final class WorkerPool {

	/** Completes "Task 7 'SendEmail' ..." for a task that a stop found still waiting. */
	public static final String STILL_QUEUED = "was still queued when the task server stopped";

	private final WorkerPoolSettings settings;

	private final TaskRunner runner;

	private final Worker[] workers;

	private final @Nullable SharedTaskQueue<Task> shared;

	private final WorkerSelector selector;

	private final WhenFullPolicy whenFull;

	private final WorkerThreadFactory threadFactory;

	private final WorkerSupervisor supervisor;

	private final TaskIndex index;

	private final ConcurrencyLimits limits = new ConcurrencyLimits(this);

	private final RoomWaiters room = new RoomWaiters();

	private final StuckThreads stuck = new StuckThreads(this);

	private final RetryScheduler retries;

	private final RetryInterceptor retryLink;

	private final TimeoutWatchdog timeouts;

	/** Tasks running on their callers' threads ({@code caller-runs}). */
	private final AtomicInteger callerRunning = new AtomicInteger();

	/** With virtual threads, {@code worker-concurrency}; 0 on platform threads. */
	private final int workerConcurrency;

	/** Tasks the pool can run at once: workers, times {@code worker-concurrency} with virtual threads. */
	private final int startable;

	private volatile boolean stopping;

	private volatile boolean terminating;

	public WorkerPool(WorkerPoolSettings settings, ExecutionControlSettings control, TaskRunner runner) {
		this.settings = settings;
		this.startable = settings.taskWorkerNum() * (control.virtualThreads() ? control.workerConcurrency() : 1);
		this.runner = runner;
		this.workerConcurrency = control.virtualThreads() ? control.workerConcurrency() : 0;
		this.retries = new RetryScheduler(control.maxBackoff(), runner.completion(), new RetryHandBack(this));
		this.retryLink = new RetryInterceptor(this.retries);
		this.timeouts = new TimeoutWatchdog(control.timeoutGrace(), runner.completion(), this.retries, this.stuck,
				control.virtualThreads());
		this.shared = (settings.dispatchMode() == DispatchMode.SHARED_QUEUE)
				? new SharedTaskQueue<>(settings.queueCapacity()) : null;
		this.workers = new Worker[settings.taskWorkerNum()];
		for (int i = 0; i < this.workers.length; i++) {
			this.workers[i] = new Worker(i, settings.queueCapacity(), this.shared, this,
					control.virtualThreads() ? VirtualThreads.factory(settings.threadNamePrefix() + i + "-") : null,
					control.workerConcurrency());
		}
		this.selector = WorkerSelector.of(settings.dispatchMode());
		this.whenFull = WhenFullPolicy.of(settings.whenFull());
		this.threadFactory = new WorkerThreadFactory(settings.threadNamePrefix(), WorkerPool.class.getClassLoader());
		this.supervisor = new WorkerSupervisor(this.threadFactory, settings.taskMaxRequest());
		long waiting = (long) settings.queueCapacity() * (this.workers.length + ((this.shared != null) ? 1 : 0));
		this.index = new TaskIndex(waiting);
	}

	public WorkerPoolSettings settings() {
		return this.settings;
	}

	TaskRunner runner() {
		return this.runner;
	}

	WorkerThreadFactory threadFactory() {
		return this.threadFactory;
	}

	WorkerSupervisor supervisor() {
		return this.supervisor;
	}

	ConcurrencyLimits limits() {
		return this.limits;
	}

	Worker[] workerArray() {
		return this.workers;
	}

	/**
	 * The retry link of the tasks this pool runs: the outermost link of every execution chain (it hands a failed
	 * attempt back to this pool after its backoff).
	 */
	public TaskInterceptor retryLink() {
		return this.retryLink;
	}

	/**
	 * The timeout link of the tasks this pool runs: the innermost link of every execution chain, closest to the
	 * handler (its watchdog leaves a stuck thread behind and gives the worker a fresh one).
	 */
	public TaskInterceptor timeoutLink() {
		return this.timeouts;
	}

	// Offering tasks

	/**
	 * Takes an accepted task, {@code QUEUED} or {@code HELD}, into a queue: its worker's if it is pinned, else the
	 * one its {@link WorkerSelector} picks; a task that finds no room meets the {@link WhenFullPolicy}.
	 * @return {@code false} only if {@code admission} is {@link Admission#TRY} and there was no room now
	 * @throws TaskRejectedException if the when-full policy refuses it; the message names the problem and the fix
	 */
	public boolean offer(Task task, Admission admission) {
		if (offer(task)) {
			return true;
		}
		if (admission == Admission.TRY) {
			return false;
		}
		return this.whenFull.onFull(task, this);
	}

	/**
	 * Queues a task decided elsewhere (a remote task whose outcome arrived) for a worker, which delivers its outcome
	 * when it reaches it. It is not work waiting: it counts as a tombstone from the start, so it never shows as
	 * queued. Never waits.
	 * @return {@code false} if there was no room now
	 */
	public boolean offerDecided(Task task) {
		if (!offer(task)) {
			return false;
		}
		tombstone(task); // ended already: no cancel can tombstone it a second time
		return true;
	}

	private boolean offer(Task task) {
		Routing routing = task.routing();
		if (routing.isAny()) {
			return this.selector.offer(task, this);
		}
		return offerTo(workerFor(routing), task);
	}

	/** The worker a pinned task goes to: its {@code onWorker} id, or its key's slot. */
	Worker workerFor(Routing routing) {
		int worker = routing.workerId();
		return this.workers[(worker >= 0) ? worker : routing.keySlot(this.workers.length)];
	}

	/** Offers a task to one worker's queue, and wakes the worker if it is parked. */
	boolean offerTo(Worker worker, Task task) {
		task.place(worker.queue);
		long position = worker.queue.offer(task);
		if (position < 0) {
			return false;
		}
		this.index.put(task.taskId(), worker.id, position);
		worker.signalIfParked();
		return true;
	}

	/** Offers a task to the shared queue, and wakes a parked worker. */
	boolean offerShared(Task task) {
		SharedTaskQueue<Task> shared = this.shared;
		task.place(shared);
		long position = shared.offer(task);
		if (position < 0) {
			return false;
		}
		this.index.put(task.taskId(), this.workers.length, position);
		wakeAnotherThan(null);
		return true;
	}

	/** Wakes one parked worker other than the given one, if any is parked. */
	void wakeAnotherThan(@Nullable Worker worker) {
		for (Worker candidate : this.workers) {
			if (candidate != worker && candidate.signalIfParked()) {
				return;
			}
		}
	}

	/** Waits for room up to {@code block-timeout}; {@code true} once the task is queued. */
	boolean awaitRoom(Task task) {
		long deadline = System.nanoTime() + this.settings.blockTimeout().toNanos();
		return this.room.await(() -> offer(task), deadline, () -> this.stopping);
	}

	/** A slot was freed (a task taken, cancelled or withdrawn): wakes producers waiting for room, if any. */
	void roomMade() {
		this.room.roomMade();
	}

	/** Producers waiting for room in a full queue now. */
	public int blockedProducers() {
		return this.room.waiting();
	}

	/** Runs a task and delivers its outcome on the calling thread ({@code caller-runs}). */
	void runOnCaller(Task task) {
		if (!task.tryStart(-1, System.nanoTime())) {
			return;
		}
		this.callerRunning.incrementAndGet();
		try {
			this.runner.run(task, null);
		}
		finally {
			this.callerRunning.decrementAndGet();
		}
	}

	TaskRejectedException rejection(Task task, String reason) {
		return new TaskRejectedException("Task '" + task.taskName() + "' rejected: " + reason);
	}

	String fullMessage(Task task) {
		int capacity = this.settings.queueCapacity();
		Routing routing = task.routing();
		if (routing.isPinned()) {
			return "the queue of worker " + workerFor(routing).id + " (" + routing + ") is full (" + capacity
					+ " tasks)";
		}
		if (this.shared != null) {
			return "the shared queue is full (" + capacity + " tasks)";
		}
		return "every worker's queue is full (" + this.workers.length + " x " + capacity + " tasks)";
	}

	String notRunningMessage() {
		return "the task server is stopped and accepts no new tasks.";
	}

	/**
	 * Checks that tasks can be routed so.
	 * @throws IllegalArgumentException naming the problem
	 */
	public void validate(Routing routing) {
		int workers = this.workers.length;
		if (routing.workerId() >= workers) {
			throw new IllegalArgumentException("Worker id " + routing.workerId() + " is out of range: "
					+ "async-task.task-worker-num is " + workers + ", so worker ids are 0.." + (workers - 1) + ".");
		}
	}

	// Taking tasks back

	/**
	 * Takes back a task that has not started (queued, or waiting for its next attempt): it ends {@code CANCELLED}
	 * and stops counting as queued at once.
	 * @return {@code true} if it had not started
	 */
	public boolean cancel(long taskId) {
		Task task = find(taskId);
		if (task != null) {
			return cancel(task, "was cancelled before it started", false);
		}
		// not in a queue: perhaps waiting for its next attempt
		return this.retries.waiting() > 0 && this.retries.cancel(taskId, "was cancelled while it waited to retry");
	}

	private @Nullable Task find(long taskId) {
		long location = this.index.find(taskId);
		if (location == TaskIndex.UNKNOWN) {
			return scan(taskId); // older than the index remembers, or never dispatched here
		}
		int queue = TaskIndex.queue(location);
		long position = TaskIndex.position(location);
		Task task = (queue < this.workers.length) ? this.workers[queue].queue.peek(position)
				: (this.shared != null) ? this.shared.peek(position) : null;
		return (task != null && task.taskId() == taskId) ? task : null;
	}

	private @Nullable Task scan(long taskId) {
		Task[] found = new Task[1];
		Consumer<Task> match = (task) -> {
			if (task.taskId() == taskId) {
				found[0] = task;
			}
		};
		for (Worker worker : this.workers) {
			worker.queue.forEachQueued(match);
		}
		if (found[0] == null && this.shared != null) {
			this.shared.forEachQueued(match);
		}
		return found[0];
	}

	/**
	 * Ends a queued task {@code CANCELLED}: it leaves the counts and the capacity at once, its tombstone stays in the
	 * queue until a worker passes it.
	 */
	private boolean cancel(Task task, String reason, boolean deliverNow) {
		if (!this.runner.completion().cancel(task, reason, deliverNow)) {
			return false;
		}
		tombstone(task);
		return true;
	}

	private void tombstone(Task task) {
		Object place = task.place();
		if (place instanceof WorkerQueue<?> queue) {
			queue.cancelled();
		}
		else if (place instanceof SharedTaskQueue<?> queue) {
			queue.cancelled();
		}
		roomMade();
	}

	/** Takes back a held task of a batch that was refused: it never runs and delivers no outcome. */
	public void withdraw(Task task) {
		if (task.tryWithdraw()) {
			tombstone(task);
		}
	}

	// Lifecycle

	/** Starts the workers' threads (none in {@code inline} mode); also after a stop. */
	public void start() {
		this.stopping = false;
		this.terminating = false;
		if (!this.settings.inline()) {
			this.supervisor.startAll(this.workers);
		}
	}

	/**
	 * Stops taking tasks and waits until every task taken has ended, or the deadline passes.
	 * @param deadlineNanos a {@link System#nanoTime()} value
	 * @return {@code true} if nothing is queued or running any more
	 */
	public boolean drain(long deadlineNanos) {
		this.stopping = true;
		wakeAll();
		roomMade();
		boolean drained = this.supervisor.awaitExit(deadlineNanos);
		if (drained) {
			this.timeouts.stop();
			this.retries.shutdown();
		}
		return drained;
	}

	/**
	 * Ends every task still waiting {@code CANCELLED} (queued, set aside, waiting to retry or for a place), delivering
	 * each outcome.
	 * @return how many
	 */
	public int cancelQueued(String reason) {
		this.terminating = true;
		this.stopping = true;
		wakeAll();
		Completion completion = this.runner.completion();
		int[] cancelled = { this.retries.cancelWaiting(reason) + this.limits.cancelParked(reason, completion) };
		for (Worker worker : this.workers) {
			cancelled[0] += worker.cancelHandedOver(reason);
		}
		Consumer<Task> sweep = (task) -> {
			if (cancel(task, reason, true)) {
				cancelled[0]++;
			}
			else {
				// cancelled earlier, its @OnFinish listeners waiting for a worker that will not come
				completion.deliverDeferred(task);
			}
		};
		for (Worker worker : this.workers) {
			worker.queue.forEachQueued(sweep);
		}
		if (this.shared != null) {
			this.shared.forEachQueued(sweep);
		}
		return cancelled[0];
	}

	/**
	 * Interrupts the tasks still running, gives them {@code grace} to end, then ends the rest {@code CANCELLED} and
	 * leaves their threads behind: after this returns, no thread of the pool takes a task.
	 */
	public void terminate(Duration grace) {
		this.terminating = true;
		this.retries.cancelWaiting(STILL_QUEUED);
		this.retries.shutdown();
		this.timeouts.stop();
		for (Worker worker : this.workers) {
			WorkerShift shift = worker.shift();
			if (shift != null && shift.thread != null && shift.running() != null) {
				shift.thread.interrupt();
			}
			if (worker.virtualRuns != null) {
				worker.virtualRuns.interruptAll();
			}
		}
		wakeAll();
		long deadline = System.nanoTime() + grace.toNanos();
		this.supervisor.awaitExit(deadline);
		this.supervisor.stopReplacing();
		this.stuck.endRunning(grace, deadline);
	}

	private void wakeAll() {
		for (Worker worker : this.workers) {
			worker.signalIfParked();
		}
	}

	boolean isStopping() {
		return this.stopping;
	}

	boolean isTerminating() {
		return this.terminating;
	}

	/** Whether a task waits for its next attempt. */
	boolean retriesWaiting() {
		return this.retries.waiting() > 0;
	}

	// Stats

	/** The number of task workers. */
	public int taskWorkerNum() {
		return this.workers.length;
	}

	/**
	 * How many tasks the pool can run at once: one per worker, or {@code worker-concurrency} per worker with virtual
	 * threads (a distributed transport reads no more than this, plus a small prefetch).
	 */
	public int startable() {
		return this.startable;
	}

	/** Tasks queued per worker before the when-full policy applies. */
	public int queueCapacity() {
		return this.settings.queueCapacity();
	}

	/**
	 * With virtual threads, the most tasks one worker runs at once ({@code worker-concurrency}); {@code 0} when each
	 * worker runs its tasks one at a time on its own platform thread.
	 */
	public int workerConcurrency() {
		return this.workerConcurrency;
	}

	/** Tasks running now, on workers and on callers. */
	public int running() {
		int running = this.callerRunning.get();
		for (Worker worker : this.workers) {
			running += worker.runningCount();
		}
		return running;
	}

	/** Tasks waiting: queued, set aside, waiting to retry or for a place under their {@code max-concurrency}. */
	public long queued() {
		long queued = ((this.shared != null) ? this.shared.size() : 0) + this.retries.waiting() + this.limits.parked();
		for (Worker worker : this.workers) {
			queued += worker.queued();
		}
		return queued;
	}

	/** Workers running nothing with nothing queued. */
	public int idleWorkers() {
		int idle = 0;
		for (Worker worker : this.workers) {
			if (!worker.busy() && worker.queued() == 0) {
				idle++;
			}
		}
		return idle;
	}

	/** One entry per worker, ordered by id. */
	public List<WorkerStats> workers() {
		List<WorkerStats> stats = new ArrayList<>(this.workers.length);
		for (Worker worker : this.workers) {
			stats.add(worker.stats());
		}
		return List.copyOf(stats);
	}

}
