package io.github.asynctask.actuate;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskServerStats;
import io.github.asynctask.execution.DaemonScheduler;
import io.github.asynctask.handler.TaskHandler;
import io.github.asynctask.handler.TaskHandlerRegistry;

import org.springframework.context.SmartLifecycle;

/**
 * The last five minutes of throughput, for the dashboard's chart: once a second, one daemon thread reads the task
 * server's {@code dispatched} and {@code completed} counters and the handlers' count of results received from other
 * nodes (counters the server keeps anyway) and writes the difference to the previous reading into rings of
 * {@value #SECONDS} slots. Nothing is added to the dispatch or run path: the cost is one {@link TaskServer#stats()}
 * call and one sum over the task names per second.
 * <p>
 * Threading: the sampling thread writes, any thread may {@link #snapshot() read}; both hold this object's monitor
 * for a copy of 900 longs at most, never while user code runs.
 */
public class ThroughputSampler implements SmartLifecycle {

	/** Slots of the ring: one per second. */
	public static final int SECONDS = 300;

	private final TaskServer server;

	private final TaskHandlerRegistry handlers;

	private final long[] dispatched = new long[SECONDS];

	private final long[] completed = new long[SECONDS];

	private final long[] results = new long[SECONDS];

	/** The slot the next sample goes to. */
	private int next;

	/** Samples taken, up to {@link #SECONDS}. */
	private int filled;

	private long lastDispatched = -1;

	private long lastCompleted = -1;

	private long lastResults = -1;

	private long lastSampleMillis;

	private final DaemonScheduler scheduler = new DaemonScheduler("async-task-throughput");

	/**
	 * @param server the server whose counters are sampled
	 * @param handlers the task names, whose counts of results received from other nodes are sampled
	 */
	public ThroughputSampler(TaskServer server, TaskHandlerRegistry handlers) {
		this.server = server;
		this.handlers = handlers;
	}

	@Override
	public void start() {
		ScheduledExecutorService scheduler = this.scheduler.start();
		if (scheduler != null) {
			scheduler.scheduleAtFixedRate(this::sampleQuietly, 0, 1, TimeUnit.SECONDS);
		}
	}

	@Override
	public void stop() {
		this.scheduler.stop();
	}

	@Override
	public boolean isRunning() {
		return this.scheduler.isRunning();
	}

	private void sampleQuietly() {
		try {
			sample();
		}
		catch (RuntimeException ex) {
			// a failed reading leaves a gap of one second; the next one goes on
		}
	}

	/**
	 * Takes one sample: the counters' growth since the previous one. The first sample only sets the baseline. The
	 * sampling thread calls it once a second; public for the benchmark that measures its cost.
	 */
	public void sample() {
		TaskServerStats stats = this.server.stats();
		long dispatchedNow = stats.dispatched();
		long completedNow = stats.completed();
		long resultsNow = 0;
		if (this.handlers.isFrozen()) {
			for (TaskHandler handler : this.handlers.handlers()) {
				resultsNow += handler.counters().resultsCount();
			}
		}
		synchronized (this) {
			if (this.lastDispatched >= 0) {
				this.dispatched[this.next] = Math.max(0, dispatchedNow - this.lastDispatched);
				this.completed[this.next] = Math.max(0, completedNow - this.lastCompleted);
				this.results[this.next] = Math.max(0, resultsNow - this.lastResults);
				this.next = (this.next + 1) % SECONDS;
				this.filled = Math.min(SECONDS, this.filled + 1);
			}
			this.lastDispatched = dispatchedNow;
			this.lastCompleted = completedNow;
			this.lastResults = resultsNow;
			this.lastSampleMillis = System.currentTimeMillis();
		}
	}

	/** The samples taken so far, oldest first. */
	public synchronized Throughput snapshot() {
		long[] dispatchedCopy = new long[this.filled];
		long[] completedCopy = new long[this.filled];
		long[] resultsCopy = new long[this.filled];
		int first = (this.next - this.filled + SECONDS) % SECONDS;
		for (int i = 0; i < this.filled; i++) {
			dispatchedCopy[i] = this.dispatched[(first + i) % SECONDS];
			completedCopy[i] = this.completed[(first + i) % SECONDS];
			resultsCopy[i] = this.results[(first + i) % SECONDS];
		}
		return new Throughput(1, this.lastSampleMillis, dispatchedCopy, completedCopy, resultsCopy);
	}

	/**
	 * Tasks per interval, oldest first.
	 * @param intervalSeconds the length of one interval
	 * @param until when the last interval ended (epoch milliseconds; 0 before the first sample)
	 * @param dispatched tasks accepted here in each interval
	 * @param completed tasks that ended here in each interval (run here, or decided here without running)
	 * @param results outcomes of tasks dispatched here that other nodes ran, received in each interval (redis mode)
	 */
	public record Throughput(int intervalSeconds, long until, long[] dispatched, long[] completed, long[] results) {
	}

}
