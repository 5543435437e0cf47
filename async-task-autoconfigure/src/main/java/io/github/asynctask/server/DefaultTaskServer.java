package io.github.asynctask.server;

import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskRejectedException;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskServerStats;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.WorkerStats;
import io.github.asynctask.dispatch.Admission;
import io.github.asynctask.dispatch.Routing;
import io.github.asynctask.dispatch.TaskDispatcher;
import io.github.asynctask.delay.DelayedTasks;
import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.ExecutionChain;
import io.github.asynctask.execution.Task;
import io.github.asynctask.execution.TaskEvents;
import io.github.asynctask.execution.TaskIdGenerator;
import io.github.asynctask.execution.TaskInterceptor;
import io.github.asynctask.execution.TaskRunner;
import io.github.asynctask.handler.TaskCounters;
import io.github.asynctask.handler.TaskHandler;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.transport.TaskTransport;
import io.github.asynctask.transport.local.LocalTransport;
import io.github.asynctask.workers.ExecutionControlSettings;
import io.github.asynctask.workers.WorkerPool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The task server: lifecycle plus composition. It turns each dispatch into a {@link Task} (id, dispatch hooks of
 * the handler's execution chain, counters) and hands it to its {@link TaskTransport}; tasks run on this node's
 * {@link WorkerPool} through the {@link TaskRunner} and end through {@link Completion}, whatever the transport. Its
 * stats read the handlers' counters and the worker pool.
 * <p>
 * Lifecycle: started after every handler is registered (it builds the execution chains then); on stop it refuses new
 * tasks, lets queued and running ones finish within {@code shutdown-timeout}, then ends what is still queued
 * {@code CANCELLED} and interrupts what still runs. It stops after the web server, so requests in flight can still
 * dispatch. No lock of the server is held while user code runs.
 * <p>
 * Threading: dispatch, cancel and stats may be called from any thread; start and stop by the lifecycle.
 */
public final class DefaultTaskServer implements TaskServer, TaskDispatcher, SmartLifecycle {

	/** Stops after the web server's graceful shutdown and its stop (phases {@code DEFAULT_PHASE - 1024/2048}). */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Log logger = LogFactory.getLog(DefaultTaskServer.class);

	/** How long a stop waits for interrupted tasks to end after the shutdown timeout. */
	private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(1);

	private static final int NEW = 0;

	private static final int RUNNING = 1;

	private static final int STOPPING = 2;

	private static final int TERMINATED = 3;

	private final TaskServerSettings settings;

	private final TaskHandlerRegistry registry;

	private final TaskTransport transport;

	private final WorkerPool pool;

	private final TaskRunner runner;

	private final TaskEvents events;

	private final TaskIdGenerator ids;

	private final List<? extends TaskInterceptor> interceptors;

	private final DelayedTasks delayed;

	private final Object lifecycleMonitor = new Object();

	private volatile int state = NEW;

	private volatile ExecutionChain[] chains = new ExecutionChain[0];

	private volatile List<TaskHandler> handlers = List.of();

	/**
	 * @param transport carries each task to a worker pool: this node's ({@code pool}) or another node's
	 * @param pool this node's worker pool, which the transport composes (stats, and the links it adds to the chains)
	 */
	public DefaultTaskServer(TaskServerSettings settings, TaskHandlerRegistry registry, TaskTransport transport,
			WorkerPool pool, TaskRunner runner, TaskIdGenerator ids, List<? extends TaskInterceptor> interceptors) {
		this.settings = settings;
		this.registry = registry;
		this.transport = transport;
		this.pool = pool;
		this.runner = runner;
		this.events = runner.completion().events();
		this.ids = ids;
		this.interceptors = List.copyOf(interceptors);
		this.delayed = new DelayedTasks(transport, runner.completion(), pool.taskWorkerNum());
	}

	/** An in-process server with no observer and no interceptor. */
	public static DefaultTaskServer local(TaskServerSettings settings, TaskHandlerRegistry registry) {
		TaskRunner runner = new TaskRunner(new Completion(TaskEvents.countersOnly()));
		WorkerPool pool = new WorkerPool(settings.workerPool(), ExecutionControlSettings.defaults(), runner);
		return new DefaultTaskServer(settings, registry, new LocalTransport(pool), pool, runner,
				TaskIdGenerator.sequential(), List.of());
	}

	public TaskServerSettings settings() {
		return this.settings;
	}

	public TaskTransport transport() {
		return this.transport;
	}

	/** This node's worker pool. */
	public WorkerPool workerPool() {
		return this.pool;
	}

	public TaskHandlerRegistry registry() {
		return this.registry;
	}

	@Override
	public int taskWorkerNum() {
		return this.pool.taskWorkerNum();
	}

	// Dispatch

	@Override
	public long dispatch(TaskHandler handler, Object payload, TaskCallback<?> callback, Routing routing,
			Admission admission, long delayNanos) {
		boolean kept = delayNanos > 0 && keptByTransport();
		if (delayNanos > 0 && !kept) {
			return dispatchLater(handler, payload, callback, routing, delayNanos);
		}
		if (this.state != RUNNING) {
			this.events.rejected(handler, notRunningMessage());
			throw notRunning(handler);
		}
		ExecutionChain chain = this.chains[handler.index()];
		Task task = new Task(this.ids.next(), handler, payload, callback, routing, false,
				chain.stampsDispatchTime() ? System.nanoTime() : 0);
		if (kept) {
			task.due(System.nanoTime() + delayNanos);
		}
		chain.onDispatch(task);
		this.events.dispatching(task);
		if (this.settings.inline()) {
			this.events.accepted(task);
			task.tryStart(-1, System.nanoTime());
			this.runner.run(task, null);
			return task.taskId();
		}
		boolean accepted;
		try {
			accepted = this.transport.send(task, admission);
		}
		catch (RuntimeException ex) {
			this.events.rejected(task, String.valueOf(ex.getMessage()));
			throw ex;
		}
		if (!accepted) {
			this.events.rejected(task, "no room for tryDispatch");
			return -1;
		}
		if (this.state != RUNNING) {
			// raced with stop(): the task may sit in a queue no worker drains any more; take it back if it did not
			// start
			this.transport.withdraw(task);
			if (task.isWithdrawn()) {
				this.events.rejected(task, notRunningMessage());
				throw notRunning(handler);
			}
		}
		this.events.accepted(task);
		return task.taskId();
	}

	/** A delayed task: accepted at once (never refused for room), handed to the transport by the timer when due. */
	private long dispatchLater(TaskHandler handler, Object payload, TaskCallback<?> callback, Routing routing,
			long delayNanos) {
		checkDelayable(handler);
		if (this.state != RUNNING) {
			this.events.rejected(handler, notRunningMessage());
			throw notRunning(handler);
		}
		Task task = delayedTask(handler, payload, callback, routing, System.nanoTime() + delayNanos);
		this.events.dispatching(task);
		if (!this.delayed.schedule(task)) {
			this.events.rejected(task, notRunningMessage());
			throw notRunning(handler);
		}
		this.events.accepted(task);
		return task.taskId();
	}

	private Task delayedTask(TaskHandler handler, Object payload, TaskCallback<?> callback, Routing routing,
			long dueNanos) {
		ExecutionChain chain = this.chains[handler.index()];
		Task task = new Task(this.ids.next(), handler, payload, callback, routing, false,
				chain.stampsDispatchTime() ? System.nanoTime() : 0);
		task.due(dueNanos);
		chain.onDispatch(task);
		return task;
	}

	/** Whether the transport keeps delayed tasks itself (redis mode), rather than this process's timer. */
	private boolean keptByTransport() {
		return !this.settings.inline() && this.transport.keepsDelayed();
	}

	/** Delayed tasks wait on this process's timer, which needs this process's workers. */
	private void checkDelayable(TaskHandler handler) {
		if (this.settings.inline()) {
			throw new IllegalArgumentException("Task '" + handler.name() + "' cannot be delayed (after/at) with "
					+ "async-task.inline=true: inline runs every task on its caller at once, and a delayed task "
					+ "waits for its time to run on a worker. Set async-task.inline=false, or dispatch without "
					+ "after/at in this configuration.");
		}
		if (!"local".equals(this.transport.name())) {
			throw new IllegalArgumentException("Task '" + handler.name() + "' cannot be delayed (after/at) with "
					+ "async-task.transport=" + this.transport.name() + ": this transport keeps no delayed tasks, "
					+ "and an in-process timer would lose them when this node stops. Use "
					+ "async-task.transport=local for delayed tasks, or keep the due time in your own store and "
					+ "dispatch when it comes (e.g. from a @Scheduled method).");
		}
	}

	@Override
	public long[] dispatchAll(TaskHandler[] handlers, List<?> payloads,
			IntFunction<? extends TaskCallback<?>> callbacks, Routing routing, long delayNanos) {
		int n = handlers.length;
		long[] ids = new long[n];
		if (n == 0) {
			return ids;
		}
		boolean kept = delayNanos > 0 && keptByTransport();
		if (delayNanos > 0 && !kept) {
			return dispatchAllLater(handlers, payloads, callbacks, routing, delayNanos);
		}
		long due = kept ? System.nanoTime() + delayNanos : 0;
		if (this.state != RUNNING) {
			this.events.rejected(handlers[0], notRunningMessage());
			throw notRunning(handlers[0]);
		}
		Task[] tasks = new Task[n];
		boolean hold = n > 1 && !this.settings.inline();
		for (int i = 0; i < n; i++) {
			ExecutionChain chain = this.chains[handlers[i].index()];
			Task task = new Task(this.ids.next(), handlers[i], payloads.get(i), callbacks.apply(i), routing, hold,
					chain.stampsDispatchTime() ? System.nanoTime() : 0);
			if (kept) {
				task.due(due); // the transport keeps it until then: accepted whole or not at all, as any batch
			}
			chain.onDispatch(task);
			tasks[i] = task;
			ids[i] = task.taskId();
		}
		if (this.settings.inline()) {
			for (Task task : tasks) {
				this.events.dispatching(task);
				this.events.accepted(task);
				task.tryStart(-1, System.nanoTime());
				this.runner.run(task, null);
			}
			return ids;
		}
		int queued = 0;
		int tried = 0;
		RuntimeException refusal = null;
		for (Task task : tasks) {
			tried++;
			this.events.dispatching(task);
			try {
				this.transport.send(task, Admission.POLICY);
			}
			catch (RuntimeException ex) {
				refusal = ex;
				task.tryWithdraw(); // it never reached a queue
				this.events.rejected(task, String.valueOf(ex.getMessage()));
				break;
			}
			queued++;
			if (this.state != RUNNING) {
				refusal = notRunning(handlers[0]);
				break;
			}
		}
		if (refusal != null) {
			// a batch is accepted whole or not at all: its queued tasks are still held, so none of them ran
			for (int i = 0; i < queued; i++) {
				this.transport.withdraw(tasks[i]);
				this.events.rejected(tasks[i], "its batch was refused");
			}
			for (int i = tried; i < n; i++) {
				this.events.rejected(handlers[i], "its batch was refused");
				this.events.notSent(tasks[i], "its batch was refused");
			}
			throw batchRefused(refusal, n, queued);
		}
		for (Task task : tasks) {
			task.release();
			this.events.accepted(task);
		}
		return ids;
	}

	/**
	 * A delayed batch: every task due at the same time, accepted whole now (the timer refuses none for room), each
	 * handed to the transport on its own when due, waiting for room rather than refused, so none is taken back then.
	 */
	private long[] dispatchAllLater(TaskHandler[] handlers, List<?> payloads,
			IntFunction<? extends TaskCallback<?>> callbacks, Routing routing, long delayNanos) {
		checkDelayable(handlers[0]);
		if (this.state != RUNNING) {
			this.events.rejected(handlers[0], notRunningMessage());
			throw notRunning(handlers[0]);
		}
		int n = handlers.length;
		long due = System.nanoTime() + delayNanos;
		Task[] tasks = new Task[n];
		long[] ids = new long[n];
		for (int i = 0; i < n; i++) {
			tasks[i] = delayedTask(handlers[i], payloads.get(i), callbacks.apply(i), routing, due);
			ids[i] = tasks[i].taskId();
			this.events.dispatching(tasks[i]);
		}
		if (!this.delayed.scheduleAll(tasks)) {
			for (Task task : tasks) {
				this.events.rejected(task, notRunningMessage());
			}
			throw notRunning(handlers[0]);
		}
		for (Task task : tasks) {
			this.events.accepted(task);
		}
		return ids;
	}

	private static RuntimeException batchRefused(RuntimeException ex, int size, int queued) {
		if (!(ex instanceof TaskRejectedException)) {
			return ex;
		}
		TaskRejectedException refused = new TaskRejectedException(ex.getMessage() + " The batch of " + size
				+ " tasks was refused whole: the " + queued + " already queued were taken back and will not run.");
		refused.initCause(ex);
		return refused;
	}

	/** The refusal of a server that is not running; the caller counts it. */
	private TaskRejectedException notRunning(TaskHandler handler) {
		return new TaskRejectedException("Task '" + handler.name() + "' rejected: " + notRunningMessage());
	}

	private String notRunningMessage() {
		return (this.state == NEW) ? "the task server has not started yet; dispatch once the application "
				+ "context has been refreshed (e.g. from an ApplicationRunner), not while beans are created."
				: "the task server is stopped and accepts no new tasks.";
	}

	@Override
	public boolean cancel(long taskId) {
		// the timer first: a task leaves it for the transport under its lock, so it is found in one or the other
		return this.delayed.cancel(taskId) || this.transport.cancel(taskId);
	}

	@Override
	public void validate(Routing routing) {
		this.transport.validate(routing);
	}

	@Override
	public void resultDropped(TaskHandler handler) {
		this.events.resultDropped(handler);
	}

	// Lifecycle

	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.state == RUNNING) {
				return;
			}
			// also a restart after stop(), e.g. when the test context cache resumes a paused context
			this.handlers = this.registry.handlers();
			// retry outermost (it sees what every attempt ends with), timeout innermost (closest to the handler)
			List<TaskInterceptor> links = new java.util.ArrayList<>();
			links.add(this.pool.retryLink());
			links.addAll(this.interceptors);
			links.add(this.pool.timeoutLink());
			ExecutionChain[] chains = ExecutionChain.of(this.handlers, links, this.events.isObserved());
			this.chains = chains;
			this.runner.chains(chains);
			this.transport.start();
			this.delayed.open();
			this.state = RUNNING;
		}
		if (logger.isInfoEnabled()) {
			logger.info("Task server started: " + describe());
		}
	}

	private String describe() {
		TaskServerSettings settings = this.settings;
		String handlers = this.registry.taskNames().size() + " task handler(s) " + this.registry.taskNames();
		if (settings.inline()) {
			return "inline (async-task.inline=true): every task runs on the thread that dispatches it, no task "
					+ "workers, transport off, " + handlers;
		}
		int workers = this.pool.taskWorkerNum();
		int concurrency = this.pool.workerConcurrency();
		return workers + " task worker" + ((workers != 1) ? "s" : "") + " (" + settings.threadNamePrefix() + "0.."
				+ (workers - 1) + ")"
				+ ((concurrency > 0) ? ", virtual threads (each task on its own, at most " + concurrency
						+ " at once per worker: worker-concurrency)" : "")
				+ ", dispatch-mode " + kebab(settings.dispatchMode()) + ", queue capacity " + this.pool.queueCapacity()
				+ " per worker, when-full " + kebab(settings.whenFull()) + ", transport " + this.transport.name()
				+ ", " + handlers;
	}

	private static String kebab(Enum<?> value) {
		return value.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

	@Override
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			if (this.state != RUNNING) {
				return;
			}
			this.state = STOPPING;
		}
		// deliveries below run user code: never under the lifecycle monitor
		Duration timeout = this.settings.shutdownTimeout();
		long start = System.nanoTime();
		// delayed tasks not yet due end now, the drain does not wait for them; due ones still go to the queues
		int cancelledDelayed = this.delayed.close("was not yet due when the task server stopped",
				start + timeout.toNanos() / 2);
		if (cancelledDelayed > 0) {
			logger.info("Task server stopping: " + cancelledDelayed + " delayed task(s) ended CANCELLED (not yet "
					+ "due, or due and still without room after half of async-task.shutdown-timeout)");
		}
		long queued = this.pool.queued();
		int running = this.pool.running();
		if (queued + running > 0) {
			logger.info("Task server stopping: draining " + queued + " queued and " + running + " running task(s) "
					+ "for at most " + timeout.toMillis() + "ms (async-task.shutdown-timeout)");
		}
		boolean drained = this.transport.drain(start + timeout.toNanos() / 2);
		if (!drained) {
			logger.warn("Task server still draining after half of async-task.shutdown-timeout ("
					+ timeout.toMillis() / 2 + "ms): " + this.pool.queued() + " queued and "
					+ this.pool.running() + " running task(s) left");
			drained = this.transport.drain(start + timeout.toNanos());
		}
		if (!drained) {
			int cancelled = this.transport.cancelQueued(WorkerPool.STILL_QUEUED);
			this.transport.terminate(INTERRUPT_GRACE);
			logger.warn("Task server stopped after async-task.shutdown-timeout (" + timeout.toMillis() + "ms): "
					+ cancelled + " queued task(s) ended CANCELLED, running ones were interrupted.");
		}
		synchronized (this.lifecycleMonitor) {
			this.state = TERMINATED;
		}
	}

	/** Whether the server is stopping: refusing new tasks while it drains the accepted ones. */
	public boolean isDraining() {
		return this.state == STOPPING;
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
		List<WorkerStats> workers = this.pool.workers();
		long dispatched = 0;
		long completed = 0;
		long succeeded = 0;
		for (TaskHandler handler : this.handlers) {
			TaskCounters counters = handler.counters();
			dispatched += counters.dispatchedCount();
			completed += counters.completedCount();
			succeeded += counters.completedCount(TaskStatus.SUCCEEDED);
		}
		return new Stats(dispatched, completed, completed - succeeded, this.pool.running(), this.pool.idleWorkers(),
				this.pool.queued() + this.delayed.due(), this.delayed.scheduled() + this.transport.scheduled(), workers);
	}

	/** Tasks refused at dispatch since start, over every task name. */
	public long rejected() {
		return sum(TaskCounters::rejectedCount);
	}

	/** Results that arrived after their waiter gave up (or after the outcome was decided otherwise). */
	public long droppedResults() {
		return sum(TaskCounters::droppedResultsCount);
	}

	/** Exceptions thrown by {@code @OnFinish} methods and callbacks since start. */
	public long listenerErrors() {
		return sum(TaskCounters::listenerErrorsCount);
	}

	private long sum(java.util.function.ToLongFunction<TaskCounters> counter) {
		long sum = 0;
		for (TaskHandler handler : this.handlers) {
			sum += counter.applyAsLong(handler.counters());
		}
		return sum;
	}

	record Stats(long dispatched, long completed, long failed, int taskingNum, int idleWorkerNum, long queuedNum,
			long scheduledNum, List<WorkerStats> workers) implements TaskServerStats {
	}

}
