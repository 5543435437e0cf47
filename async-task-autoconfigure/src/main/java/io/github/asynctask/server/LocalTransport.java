package io.github.asynctask.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.WorkerStats;
import io.github.asynctask.dispatch.Admission;
import io.github.asynctask.dispatch.Routing;
import io.github.asynctask.execution.RetryScheduler;
import io.github.asynctask.execution.Task;
import io.github.asynctask.execution.TaskInterceptor;
import io.github.asynctask.execution.TaskRunner;
import io.github.asynctask.execution.TimeoutWatchdog;
import io.github.asynctask.handler.TaskHandler;
import io.github.asynctask.transport.TaskTransport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The in-process transport: {@code task-worker-num} workers, each a thread with its own bounded queue (plus one
 * shared queue in {@link DispatchMode#SHARED_QUEUE}). A task pinned by {@code onWorker} or {@code withKey} goes to
 * its worker's queue; any other task to the queue its {@link WorkerSelector} picks; a task that finds no room meets
 * the {@link WhenFullPolicy}. A distributed transport composes one of these to run what its node reads.
 * <p>
 * Threading: {@link #send}, {@link #cancel} and {@link #withdraw} are called concurrently by dispatching threads
 * and block only to wait for room under {@code when-full: block}; the lifecycle methods by the server.
 */
public final class LocalTransport implements TaskTransport, RetryScheduler.Target, TimeoutWatchdog.Stuck {

	private static final Log logger = LogFactory.getLog(LocalTransport.class);

	static final String STILL_QUEUED = "was still queued when the task server stopped";

	private final TaskServerSettings settings;

	private final TaskRunner runner;

	private final Worker[] workers;

	private final @Nullable SharedTaskQueue<Task> shared;

	private final WorkerSelector selector;

	private final WhenFullPolicy whenFull;

	private final WorkerSupervisor supervisor;

	private final TaskIndex index;

	private final ExecutionControlSettings control;

	private final RetryScheduler retries;

	private final TimeoutWatchdog timeouts;

	/** The limits of the task names that have {@code max-concurrency}, made on their first task. */
	private final ConcurrentHashMap<TaskHandler, ConcurrencyLimit> limits = new ConcurrentHashMap<>();

	private final ReentrantLock roomLock = new ReentrantLock();

	private final Condition room = this.roomLock.newCondition();

	private final AtomicInteger blockedProducers = new AtomicInteger();

	/** Tasks running on their callers' threads ({@code caller-runs}). */
	private final AtomicInteger callerRunning = new AtomicInteger();

	private volatile boolean stopping;

	private volatile boolean terminating;

	public LocalTransport(TaskServerSettings settings, TaskRunner runner) {
		this(settings, ExecutionControlSettings.defaults(), runner);
	}

	public LocalTransport(TaskServerSettings settings, ExecutionControlSettings control, TaskRunner runner) {
		this.settings = settings;
		this.control = control;
		this.runner = runner;
		this.retries = new RetryScheduler(control.maxBackoff(), runner.completion(), this);
		this.timeouts = new TimeoutWatchdog(control.timeoutGrace(), runner.completion(), this.retries, this,
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
		ClassLoader classLoader = LocalTransport.class.getClassLoader();
		this.supervisor = new WorkerSupervisor(new WorkerThreadFactory(settings.threadNamePrefix(), classLoader),
				settings.taskMaxRequest());
		long waiting = (long) settings.queueCapacity() * (this.workers.length + ((this.shared != null) ? 1 : 0));
		this.index = new TaskIndex(waiting);
	}

	@Override
	public String name() {
		return "local";
	}

	TaskServerSettings settings() {
		return this.settings;
	}

	TaskRunner runner() {
		return this.runner;
	}

	WorkerSupervisor supervisor() {
		return this.supervisor;
	}

	ExecutionControlSettings control() {
		return this.control;
	}

	// Retries

	@Override
	public void holding(Task task) {
		Object key = task.routing().key();
		if (key != null && !this.settings.inline()) {
			this.workers[workerFor(task.routing())].hold(key, task);
		}
	}

	@Override
	public void resend(Task task) {
		if (this.settings.inline()) {
			// no workers: the next attempt runs on the retry timer's thread
			if (task.tryStart(-1, System.nanoTime())) {
				this.runner.run(task, null);
			}
			return;
		}
		Routing routing = task.routing();
		Worker worker = routing.isAny() ? workerForRetry(task) : this.workers[workerFor(routing)];
		worker.retry(task);
		if (this.terminating) {
			worker.cancelRetried(STILL_QUEUED); // its thread may be gone: do not leave the task behind
		}
	}

	@Override
	public void released(Task task) {
		Object key = task.routing().key();
		if (key != null && !this.settings.inline()) {
			this.workers[workerFor(task.routing())].signalIfParked();
		}
	}

	/** An idle worker if there is one, else the one the task last ran on. */
	private Worker workerForRetry(Task task) {
		for (Worker worker : this.workers) {
			if (worker.isIdle()) {
				return worker;
			}
		}
		int last = task.workerId();
		return this.workers[(last >= 0 && last < this.workers.length) ? last : 0];
	}

	// Concurrency limits

	/**
	 * Whether a task taken by a worker may start now under its task name's {@code max-concurrency}; if not, it is
	 * parked until a place frees (and a keyed task holds its key meanwhile, so the key's order is kept). Owner
	 * thread of {@code worker}.
	 */
	boolean admit(Task task, Worker worker) {
		int max = task.handler().executionSettings().maxConcurrency();
		if (max == 0) {
			return true;
		}
		ConcurrencyLimit limit = this.limits.computeIfAbsent(task.handler(), (handler) -> new ConcurrencyLimit(max));
		if (limit.tryAcquire()) {
			return true;
		}
		Object key = task.routing().key();
		if (key != null) {
			this.workers[workerFor(task.routing())].hold(key, task);
		}
		limit.park(task);
		grantParked(limit, worker); // a place may have freed since tryAcquire
		return false;
	}

	/** Frees the place of a task that ran under a limit and hands it to the next parked task, if any. */
	void release(Task task, Worker worker) {
		if (task.handler().executionSettings().maxConcurrency() == 0) {
			return;
		}
		ConcurrencyLimit limit = this.limits.get(task.handler());
		if (limit != null) {
			limit.release();
			grantParked(limit, worker);
		}
	}

	private void grantParked(ConcurrencyLimit limit, Worker current) {
		while (limit.hasParked() && limit.tryAcquire()) {
			Task next = limit.poll();
			if (next == null) {
				limit.release();
				continue;
			}
			Routing routing = next.routing();
			Worker target = routing.isAny() ? current : this.workers[workerFor(routing)];
			target.grant(next);
			if (this.terminating) {
				target.cancelRetried(STILL_QUEUED);
			}
		}
	}

	/** Whether tasks wait for a place under a {@code max-concurrency}. */
	boolean limitsParked() {
		for (ConcurrencyLimit limit : this.limits.values()) {
			if (limit.hasParked()) {
				return true;
			}
		}
		return false;
	}

	private long parkedUnderLimits() {
		long parked = 0;
		for (ConcurrencyLimit limit : this.limits.values()) {
			parked += limit.parked();
		}
		return parked;
	}

	private int cancelParked(String reason) {
		int cancelled = 0;
		for (ConcurrencyLimit limit : this.limits.values()) {
			Task task;
			while ((task = limit.poll()) != null) {
				if (this.runner.completion().cancel(task, reason, true)) {
					cancelled++;
				}
			}
		}
		return cancelled;
	}

	// Timeouts

	@Override
	public List<TaskInterceptor> interceptors() {
		return List.of(this.timeouts);
	}

	@Override
	public void abandon(Task task, Thread thread, long graceNanos) {
		String stack = stackOf(thread);
		int id = task.workerId();
		String what;
		if (id >= 0 && id < this.workers.length && this.control.virtualThreads()) {
			if (!this.workers[id].abandonVirtual(task)) {
				return; // its thread came back meanwhile
			}
			what = "its place on worker " + id + " goes to the next task (counted in the worker's restarts)";
		}
		else if (id >= 0 && id < this.workers.length) {
			if (!this.supervisor.replaceStuck(this.workers[id], task)) {
				return; // its thread came back meanwhile
			}
			what = "worker " + id + " goes on with a fresh thread (counted in its restarts)";
		}
		else {
			what = "the thread that ran it (its caller) stays in it";
		}
		logger.warn("Task " + task.taskId() + " '" + task.taskName() + "' timed out, and its thread '"
				+ thread.getName() + "' ignored the interrupt for " + Duration.ofNanos(graceNanos).toMillis()
				+ "ms (async-task.timeout-grace): the thread is left behind and " + what
				+ "; its late result, if any, will be dropped. The stuck thread was at:" + stack);
	}

	@Override
	public void decidedElsewhere(Task task) {
		int id = task.workerId();
		if (id >= 0 && id < this.workers.length) {
			this.workers[id].countDecidedElsewhere(false);
		}
	}

	/** Whether a task waits for its next attempt. */
	boolean retriesWaiting() {
		return this.retries.waiting() > 0;
	}

	Worker[] workerArray() {
		return this.workers;
	}

	// Dispatch

	@Override
	public boolean send(Task task, Admission admission) {
		if (offer(task)) {
			return true;
		}
		if (admission == Admission.TRY) {
			return false;
		}
		return this.whenFull.onFull(task, this);
	}

	private boolean offer(Task task) {
		Routing routing = task.routing();
		if (routing.isAny()) {
			return this.selector.offer(task, this);
		}
		return offerTo(this.workers[workerFor(routing)], task);
	}

	private int workerFor(Routing routing) {
		int worker = routing.workerId();
		return (worker >= 0) ? worker : routing.keySlot(this.workers.length);
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
		this.blockedProducers.incrementAndGet(); // volatile: see WorkerQueue on why no signal is missed
		this.roomLock.lock();
		try {
			for (;;) {
				if (offer(task)) {
					return true;
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0 || this.stopping) {
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
			this.roomLock.unlock();
			this.blockedProducers.decrementAndGet();
		}
	}

	/** A slot was freed (a task taken, cancelled or withdrawn): wakes producers waiting for room, if any. */
	void roomMade() {
		if (this.blockedProducers.get() > 0) {
			this.roomLock.lock();
			try {
				this.room.signalAll();
			}
			finally {
				this.roomLock.unlock();
			}
		}
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
			return "the queue of worker " + workerFor(routing) + " (" + routing + ") is full (" + capacity
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

	// Cancel

	@Override
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
		for (Worker worker : this.workers) {
			worker.queue.forEachQueued((task) -> {
				if (task.taskId() == taskId) {
					found[0] = task;
				}
			});
		}
		if (found[0] == null && this.shared != null) {
			this.shared.forEachQueued((task) -> {
				if (task.taskId() == taskId) {
					found[0] = task;
				}
			});
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

	@Override
	public void withdraw(Task task) {
		if (task.tryWithdraw()) {
			tombstone(task);
		}
	}

	@Override
	public void validate(Routing routing) {
		int workers = this.workers.length;
		if (routing.workerId() >= workers) {
			throw new IllegalArgumentException("Worker id " + routing.workerId() + " is out of range: "
					+ "async-task.task-worker-num is " + workers + ", so worker ids are 0.." + (workers - 1) + ".");
		}
	}

	// Lifecycle

	@Override
	public void start() {
		this.stopping = false;
		this.terminating = false;
		this.runner.retries(this.retries);
		if (!this.settings.inline()) {
			this.supervisor.startAll(this.workers);
		}
	}

	@Override
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

	@Override
	public int cancelQueued(String reason) {
		this.terminating = true;
		this.stopping = true;
		wakeAll();
		int[] cancelled = { this.retries.cancelWaiting(reason) + cancelParked(reason) };
		for (Worker worker : this.workers) {
			cancelled[0] += worker.cancelRetried(reason);
		}
		java.util.function.Consumer<Task> sweep = (task) -> {
			if (cancel(task, reason, true)) {
				cancelled[0]++;
			}
			else {
				// cancelled earlier, its @OnFinish listeners waiting for a worker that will not come
				this.runner.completion().deliverDeferred(task);
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

	@Override
	public void terminate(Duration grace) {
		this.terminating = true;
		this.retries.cancelWaiting(STILL_QUEUED);
		this.retries.shutdown();
		this.timeouts.stop();
		for (Worker worker : this.workers) {
			Thread thread = worker.thread;
			if (thread != null && worker.running() != null) {
				thread.interrupt();
			}
			worker.interruptVirtual();
		}
		wakeAll();
		long deadline = System.nanoTime() + grace.toNanos();
		this.supervisor.awaitExit(deadline);
		this.supervisor.stopReplacing();
		if (this.control.virtualThreads()) {
			terminateVirtual(deadline, grace);
			return;
		}
		for (Worker worker : this.workers) {
			Task task = worker.running();
			if (task == null) {
				continue;
			}
			Thread thread = worker.thread;
			CancellationException error = new CancellationException("Task " + task.taskId() + " '"
					+ task.taskName() + "' was still running when the task server stopped; its thread was "
					+ "interrupted and did not end within " + grace.toMillis() + "ms, so it was left behind");
			if (this.runner.completion().finish(task, TaskStatus.CANCELLED, error, System.nanoTime(), null)) {
				worker.countDecidedElsewhere(false);
			}
			if (this.supervisor.replaceStuck(worker, task)) {
				worker.cancelDeferred(STILL_QUEUED);
				logger.warn("Task server stopped with " + task + " still running on thread '"
						+ ((thread != null) ? thread.getName() : "?") + "', which ignored its interrupt; the thread"
						+ " was left behind and its late result, if any, will be dropped. It was at:"
						+ stackOf(thread));
			}
		}
	}

	/** Interrupts the tasks running on virtual threads, and ends those still running after the grace. */
	private void terminateVirtual(long deadline, Duration grace) {
		for (Worker worker : this.workers) {
			worker.interruptVirtual();
		}
		while (running() > 0 && System.nanoTime() - deadline < 0) {
			java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
		}
		for (Worker worker : this.workers) {
			for (Task task : worker.runningVirtual()) {
				CancellationException error = new CancellationException("Task " + task.taskId() + " '"
						+ task.taskName() + "' was still running when the task server stopped; its virtual thread was "
						+ "interrupted and did not end within " + grace.toMillis() + "ms, so it was left behind");
				if (this.runner.completion().finish(task, TaskStatus.CANCELLED, error, System.nanoTime(), null)) {
					worker.countDecidedElsewhere(false);
				}
				worker.abandonVirtual(task);
			}
		}
	}

	private static String stackOf(@Nullable Thread thread) {
		if (thread == null) {
			return " (unknown)";
		}
		StringBuilder stack = new StringBuilder();
		for (StackTraceElement element : thread.getStackTrace()) {
			stack.append(System.lineSeparator()).append("\tat ").append(element);
		}
		return stack.toString();
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

	// Stats

	@Override
	public int taskWorkerNum() {
		return this.workers.length;
	}

	@Override
	public int workerConcurrency() {
		return this.control.virtualThreads() ? this.control.workerConcurrency() : 0;
	}

	@Override
	public int queueCapacity() {
		return this.settings.queueCapacity();
	}

	@Override
	public int running() {
		int running = this.callerRunning.get();
		for (Worker worker : this.workers) {
			running += worker.runningCount();
		}
		return running;
	}

	@Override
	public long queued() {
		long queued = ((this.shared != null) ? this.shared.size() : 0) + this.retries.waiting()
				+ parkedUnderLimits();
		for (Worker worker : this.workers) {
			queued += worker.queued();
		}
		return queued;
	}

	@Override
	public int idleWorkers() {
		int idle = 0;
		for (Worker worker : this.workers) {
			if (!worker.busy() && worker.queued() == 0) {
				idle++;
			}
		}
		return idle;
	}

	@Override
	public List<WorkerStats> workers() {
		List<WorkerStats> stats = new ArrayList<>(this.workers.length);
		for (Worker worker : this.workers) {
			stats.add(worker.stats());
		}
		return List.copyOf(stats);
	}

	/** Producers waiting for room in a full queue now. */
	int blockedProducers() {
		return this.blockedProducers.get();
	}

}
