package io.github.asynctask.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskServerStats;
import io.github.asynctask.WorkerStats;
import io.github.asynctask.handler.FinishListener;
import io.github.asynctask.handler.TaskHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * The in-process task server: {@code task-worker-num} workers, each a named platform thread with its own bounded
 * queue (plus one shared queue in {@link DispatchMode#SHARED_QUEUE}). It also delivers every outcome, to the
 * task's callback or its {@code @OnFinish} listeners, which makes it the one place that guarantees exactly one
 * outcome per accepted task, including {@code CANCELLED} ones at shutdown.
 * <p>
 * Lifecycle: started after every handler is registered; on stop it rejects new tasks, lets queued and running
 * ones finish within {@code shutdown-timeout}, then cancels what is still queued and interrupts what still runs.
 * It stops after the web server, so requests in flight can still dispatch.
 * <p>
 * Threading: dispatch is lock-free unless a queue is full and the policy is {@link WhenFull#BLOCK}; no lock is
 * ever held while user code runs.
 */
public final class LocalTaskServer implements TaskServer, SmartLifecycle {

	/** Stops after the web server's graceful shutdown and its stop (phases {@code DEFAULT_PHASE - 1024/2048}). */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Log logger = LogFactory.getLog(LocalTaskServer.class);

	/** The largest {@code queue-capacity}: a queue's slots are a power of two. */
	public static final int MAX_QUEUE_CAPACITY = 1 << 30;

	/** How long a stop waits for interrupted tasks to end after the shutdown timeout. */
	private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(1);

	private static final int NEW = 0;

	private static final int RUNNING = 1;

	private static final int STOPPING = 2;

	private static final int TERMINATED = 3;

	private final Settings settings;

	final int taskMaxRequest;

	private final Worker[] workers;

	private final @Nullable SharedTaskQueue<Task> shared;

	private final AtomicLong ids = new AtomicLong();

	private final LongAdder notAccepted = new LongAdder();

	private final LongAdder completedElsewhere = new LongAdder();

	private final LongAdder failedElsewhere = new LongAdder();

	private final AtomicInteger runningElsewhere = new AtomicInteger();

	private final LongAdder listenerErrors = new LongAdder();

	private final LongAdder droppedResults = new LongAdder();

	private final ReentrantLock roomLock = new ReentrantLock();

	private final Condition room = this.roomLock.newCondition();

	private final AtomicInteger blockedProducers = new AtomicInteger();

	private final Object lifecycleMonitor = new Object();

	private volatile int state = NEW;

	private volatile boolean abandoned;

	private volatile CountDownLatch exited = new CountDownLatch(0);

	private int cursor;

	private final AtomicInteger roundRobin = new AtomicInteger();

	public LocalTaskServer(Settings settings) {
		this.settings = settings;
		this.taskMaxRequest = settings.taskMaxRequest();
		this.shared = (settings.dispatchMode() == DispatchMode.SHARED_QUEUE)
				? new SharedTaskQueue<>(settings.queueCapacity()) : null;
		this.workers = new Worker[settings.taskWorkerNum()];
		for (int i = 0; i < this.workers.length; i++) {
			this.workers[i] = new Worker(i, settings.queueCapacity(), this.shared, this,
					settings.threadNamePrefix() + i);
		}
	}

	/**
	 * The server's settings.
	 * @param taskWorkerNum number of workers, at least 1
	 * @param queueCapacity queued tasks per worker (and for the shared queue), at least 1
	 * @param dispatchMode how unpinned tasks pick a worker
	 * @param whenFull what {@code dispatch} does when the queue is full
	 * @param blockTimeout longest wait for room under {@link WhenFull#BLOCK}
	 * @param taskMaxRequest replace a worker's thread after this many tasks (0: never)
	 * @param shutdownTimeout how long a stop drains queued and running tasks
	 * @param inline run every task on the dispatching thread
	 * @param threadNamePrefix worker thread names are this prefix and the worker id
	 */
	public record Settings(int taskWorkerNum, int queueCapacity, DispatchMode dispatchMode, WhenFull whenFull,
			Duration blockTimeout, int taskMaxRequest, Duration shutdownTimeout, boolean inline,
			String threadNamePrefix) {

		public Settings {
			Assert.isTrue(taskWorkerNum >= 1, () -> "taskWorkerNum must be at least 1, was " + taskWorkerNum);
			Assert.isTrue(queueCapacity >= 1 && queueCapacity <= MAX_QUEUE_CAPACITY,
					() -> "queueCapacity must be between 1 and " + MAX_QUEUE_CAPACITY + ", was " + queueCapacity);
			Assert.notNull(dispatchMode, "dispatchMode must not be null");
			Assert.notNull(whenFull, "whenFull must not be null");
			Assert.isTrue(!blockTimeout.isNegative(), "blockTimeout must not be negative");
			Assert.isTrue(taskMaxRequest >= 0, () -> "taskMaxRequest must not be negative, was " + taskMaxRequest);
			Assert.isTrue(!shutdownTimeout.isNegative(), "shutdownTimeout must not be negative");
		}

		/** Defaults: one worker per CPU, 10,000 queued tasks each, idle-first, block for up to 1s. */
		public static Settings defaults() {
			return new Settings(Runtime.getRuntime().availableProcessors(), 10_000, DispatchMode.IDLE_FIRST,
					WhenFull.BLOCK, Duration.ofSeconds(1), 0, Duration.ofSeconds(30), false, "async-task-worker-");
		}

	}

	@Override
	public int taskWorkerNum() {
		return this.workers.length;
	}

	// Dispatch

	/**
	 * Accepts a task.
	 * @param worker the worker it must run on, or {@code -1} to let the dispatch mode choose
	 * @param tryOnly never block and never run on the caller: return {@code -1} if there is no room
	 * @return the task id, or {@code -1} if {@code tryOnly} and there was no room
	 */
	long dispatch(TaskHandler handler, Object payload, @Nullable TaskCallback<?> callback, int worker,
			boolean tryOnly) {
		Task task = new Task(this.ids.incrementAndGet(), handler, payload, callback);
		if (this.state != RUNNING) {
			throw reject(task, notRunningMessage());
		}
		if (this.settings.inline()) {
			runOnCaller(task);
			return task.id;
		}
		if (!offer(task, worker) && !whenFull(task, worker, tryOnly)) {
			this.notAccepted.increment();
			return -1;
		}
		if (this.state != RUNNING && task.tryCancel("was not accepted", false)) {
			// raced with stop(): the task may sit in a queue no worker drains any more; it never ran
			throw reject(task, notRunningMessage());
		}
		return task.id;
	}

	private boolean whenFull(Task task, int worker, boolean tryOnly) {
		if (tryOnly) {
			return false;
		}
		switch (this.settings.whenFull()) {
			case CALLER_RUNS -> {
				runOnCaller(task);
				return true;
			}
			case BLOCK -> {
				if (awaitRoom(task, worker)) {
					return true;
				}
				throw reject(task, fullMessage(worker) + " and stayed full for async-task.block-timeout ("
						+ this.settings.blockTimeout().toMillis() + "ms). Raise async-task.queue-capacity or "
						+ "async-task.task-worker-num, or use tryDispatch(...) to shed load.");
			}
			default -> throw reject(task, fullMessage(worker) + " (async-task.when-full=reject). Raise "
					+ "async-task.queue-capacity or async-task.task-worker-num, or set async-task.when-full to "
					+ "block or caller-runs.");
		}
	}

	private String fullMessage(int worker) {
		int capacity = this.settings.queueCapacity();
		if (worker >= 0) {
			return "the queue of worker " + worker + " is full (" + capacity + " tasks)";
		}
		if (this.shared != null) {
			return "the shared queue is full (" + capacity + " tasks)";
		}
		return "every worker's queue is full (" + this.workers.length + " x " + capacity + " tasks)";
	}

	private String notRunningMessage() {
		return switch (this.state) {
			case NEW -> "the task server has not started yet; dispatch once the application "
					+ "context has been refreshed (e.g. from an ApplicationRunner), not while beans are created.";
			default -> "the task server is stopped and accepts no new tasks.";
		};
	}

	private TaskRejectedException reject(Task task, String reason) {
		this.notAccepted.increment();
		return new TaskRejectedException("Task '" + task.taskName() + "' rejected: " + reason);
	}

	private boolean offer(Task task, int worker) {
		Worker[] workers = this.workers;
		if (worker >= 0) {
			Worker target = workers[worker];
			if (target.queue.offer(task)) {
				target.signalIfParked();
				return true;
			}
			return false;
		}
		if (this.shared != null) {
			if (this.shared.offer(task)) {
				for (Worker candidate : workers) {
					if (candidate.signalIfParked()) {
						break;
					}
				}
				return true;
			}
			return false;
		}
		int n = workers.length;
		int start = (this.settings.dispatchMode() == DispatchMode.ROUND_ROBIN)
				? Math.floorMod(this.roundRobin.getAndIncrement(), n) : idleFirst(workers);
		for (int i = 0; i < n; i++) {
			int index = start + i;
			Worker target = workers[(index < n) ? index : index - n];
			if (target.queue.offer(task)) {
				target.signalIfParked();
				return true;
			}
		}
		return false;
	}

	/**
	 * The last worker chosen if it is idle, else the next idle one, else the least loaded one, ties going away
	 * from the last chosen (it got its task most recently). Staying with an idle worker keeps a stream of short
	 * tasks on one awake thread (no wake-ups, warm caches), while a burst of slow tasks still spreads evenly.
	 */
	private int idleFirst(Worker[] workers) {
		int n = workers.length;
		int start = this.cursor; // a racy hint is fine: it only orders the search
		long startLoad = workers[start].load();
		if (startLoad <= 0) {
			return start;
		}
		int best = start;
		long bestLoad = startLoad;
		for (int i = 1; i < n; i++) {
			int index = start + i;
			if (index >= n) {
				index -= n;
			}
			long load = workers[index].load();
			if (load <= 0) {
				best = index;
				break;
			}
			if (load < bestLoad || (load == bestLoad && best == start)) {
				bestLoad = load;
				best = index;
			}
		}
		this.cursor = best;
		return best;
	}

	private boolean awaitRoom(Task task, int worker) {
		long deadline = System.nanoTime() + this.settings.blockTimeout().toNanos();
		this.blockedProducers.incrementAndGet();
		this.roomLock.lock();
		try {
			for (;;) {
				if (offer(task, worker)) {
					return true;
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0 || this.state != RUNNING) {
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

	/** Called by a worker after it took a task: wakes producers waiting for room, if any. */
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

	private void runOnCaller(Task task) {
		task.tryStart(-1);
		this.runningElsewhere.incrementAndGet();
		boolean success;
		try {
			success = task.run();
		}
		finally {
			this.runningElsewhere.decrementAndGet();
		}
		countElsewhere(success);
		deliver(task);
	}

	private void countElsewhere(boolean success) {
		this.completedElsewhere.increment();
		if (!success) {
			this.failedElsewhere.increment();
		}
	}

	// Cancel

	/**
	 * Cancels a queued task: it ends {@code CANCELLED} at once; its callback or future hears of it on the calling
	 * thread, its {@code @OnFinish} listeners on the worker when that reaches the task.
	 * @return {@code true} if the task was still queued
	 */
	boolean cancel(long taskId) {
		Task[] found = new Task[1];
		for (Worker worker : this.workers) {
			worker.queue.forEachQueued((task) -> {
				if (task.id == taskId) {
					found[0] = task;
				}
			});
		}
		if (found[0] == null && this.shared != null) {
			this.shared.forEachQueued((task) -> {
				if (task.id == taskId) {
					found[0] = task;
				}
			});
		}
		Task task = found[0];
		// a callback or future hears of it now, on this thread (as with CompletableFuture.cancel); @OnFinish
		// listeners never run on a caller's thread, so the worker delivers it when it reaches the task
		boolean toListeners = task != null && task.callback == null;
		if (task != null && task.tryCancel("was cancelled before it started", toListeners)) {
			countElsewhere(false);
			if (!toListeners) {
				deliver(task);
			}
			return true;
		}
		return false;
	}

	// Completion

	/**
	 * Delivers an ended task's outcome to its one destination: its callback, or else the handler's
	 * {@code @OnFinish} listeners. Exceptions thrown there are logged and counted, never propagated.
	 */
	void deliver(Task task) {
		TaskCallback<Object> callback = task.callback;
		if (callback != null) {
			try {
				callback.onFinish(task);
			}
			catch (Throwable ex) {
				listenerFailed(task, "callback " + callback, ex);
			}
			return;
		}
		TaskHandler handler = task.handler;
		Object value = task.value();
		FinishListener[] listeners = (value != null) ? handler.listenersFor(value.getClass())
				: handler.resultListeners();
		for (FinishListener listener : listeners) {
			try {
				listener.invoke(task, task);
			}
			catch (Throwable ex) {
				listenerFailed(task, "@OnFinish method " + listener, ex);
			}
		}
	}

	private void listenerFailed(Task task, String listener, Throwable ex) {
		this.listenerErrors.increment();
		logger.warn("The " + listener + " threw for " + task + "; the other listeners still ran", ex);
	}

	/** Counts a result that arrived after its waiter gave up. */
	void resultDropped() {
		this.droppedResults.increment();
	}

	/** Exceptions thrown by {@code @OnFinish} methods and callbacks since start. */
	public long listenerErrors() {
		return this.listenerErrors.sum();
	}

	/** Results that arrived after their waiter had timed out, and were dropped. */
	public long droppedResults() {
		return this.droppedResults.sum();
	}

	/** Producers waiting for room in a full queue now. */
	int blockedProducers() {
		return this.blockedProducers.get();
	}

	/** Tasks given to dispatch but not accepted (rejected, or no room for {@code tryDispatch}). */
	public long rejected() {
		return this.notAccepted.sum();
	}

	// Lifecycle

	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.state == RUNNING) {
				return;
			}
			// also a restart after stop(), e.g. when the test context cache resumes a paused context
			this.abandoned = false;
			this.exited = new CountDownLatch(this.settings.inline() ? 0 : this.workers.length);
			this.state = RUNNING;
			if (!this.settings.inline()) {
				for (Worker worker : this.workers) {
					worker.start();
				}
			}
		}
	}

	@Override
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			if (this.state != RUNNING) {
				return;
			}
			this.state = STOPPING;
			wakeAll();
			roomMade();
			Duration timeout = this.settings.shutdownTimeout();
			boolean drained = awaitExit(timeout.toNanos());
			if (!drained) {
				this.abandoned = true;
				for (Worker worker : this.workers) {
					worker.interrupt();
				}
				wakeAll();
			}
			int cancelled = cancelQueued();
			if (!drained) {
				// give interrupted tasks a moment to end, so their outcomes are delivered before close returns
				awaitExit(INTERRUPT_GRACE.toNanos());
			}
			if (cancelled > 0) {
				logger.warn("Task server stopped after async-task.shutdown-timeout (" + timeout.toMillis()
						+ "ms): " + cancelled + " queued task(s) ended CANCELLED, running ones were interrupted.");
			}
			this.state = TERMINATED;
		}
	}

	private boolean awaitExit(long nanos) {
		try {
			return this.exited.await(nanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Ends every task still queued {@code CANCELLED}. The tasks stay in their queues (a worker's queue has one
	 * consumer, its thread); a worker started again skips them.
	 */
	private int cancelQueued() {
		int[] cancelled = new int[1];
		Consumer<Task> cancel = (task) -> {
			if (task.tryCancel("was still queued when the task server stopped", false)) {
				countElsewhere(false);
				deliver(task);
				cancelled[0]++;
			}
			else if (task.claimCancelledDelivery()) {
				deliver(task);
			}
		};
		for (Worker worker : this.workers) {
			worker.queue.forEachQueued(cancel);
		}
		if (this.shared != null) {
			this.shared.forEachQueued(cancel);
		}
		return cancelled[0];
	}

	private void wakeAll() {
		for (Worker worker : this.workers) {
			worker.signalIfParked();
		}
	}

	void workerExited(Worker worker) {
		this.exited.countDown();
	}

	boolean isStopping() {
		return this.state >= STOPPING;
	}

	boolean isAbandoned() {
		return this.abandoned;
	}

	@Override
	public boolean isRunning() {
		return this.state == RUNNING;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	// Stats

	@Override
	public TaskServerStats stats() {
		List<WorkerStats> workerStats = new ArrayList<>(this.workers.length);
		long completed = this.completedElsewhere.sum();
		long failed = this.failedElsewhere.sum();
		int tasking = this.runningElsewhere.get();
		int idle = 0;
		long queued = (this.shared != null) ? this.shared.size() : 0;
		for (Worker worker : this.workers) {
			WorkerStats stats = worker.stats();
			workerStats.add(stats);
			completed += stats.processed();
			failed += stats.failed();
			queued += stats.queued();
			if (stats.busy()) {
				tasking++;
			}
			else if (stats.queued() == 0) {
				idle++;
			}
		}
		long dispatched = this.ids.get() - this.notAccepted.sum();
		return new Stats(dispatched, completed, failed, tasking, idle, queued, List.copyOf(workerStats));
	}

	record Stats(long dispatched, long completed, long failed, int taskingNum, int idleWorkerNum, long queuedNum,
			List<WorkerStats> workers) implements TaskServerStats {
	}

	/** The worker a key's tasks go to. */
	int workerFor(Object key) {
		int h = key.hashCode();
		return Math.floorMod(h ^ (h >>> 16), this.workers.length);
	}

}
