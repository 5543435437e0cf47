package io.github.asynctask.execution;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.github.asynctask.handler.TaskHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The task server's logs: a WARN for rejected dispatches and for dropped results, each at most one line per second
 * with the count since the last line (a full queue refuses thousands of tasks a second), and one DEBUG line per
 * task that ends. Listener failures are logged where they happen, with their stack trace.
 * <p>
 * Threading: called concurrently from dispatching and running threads; never blocks, and takes no lock.
 */
public final class LoggingTaskObserver implements TaskObserver {

	private static final Log logger = LogFactory.getLog("io.github.asynctask");

	private final RateLimitedWarning rejections;

	private final RateLimitedWarning droppedResults;

	public LoggingTaskObserver() {
		this(TimeUnit.SECONDS.toNanos(1));
	}

	LoggingTaskObserver(long intervalNanos) {
		this.rejections = new RateLimitedWarning(intervalNanos, System::nanoTime);
		this.droppedResults = new RateLimitedWarning(intervalNanos, System::nanoTime);
	}

	@Override
	public boolean readsDispatchTime() {
		return false;
	}

	@Override
	public void rejected(TaskHandler handler, String reason) {
		long count = this.rejections.count();
		if (count > 0 && logger.isWarnEnabled()) {
			String message = reason.startsWith("Task '") ? reason
					: "Task '" + handler.name() + "' rejected: " + reason;
			logger.warn(message + ((count > 1) ? " (" + count + " rejections since the last such warning)" : ""));
		}
	}

	@Override
	public void resultDropped(TaskHandler handler) {
		long count = this.droppedResults.count();
		if (count > 0 && logger.isWarnEnabled()) {
			logger.warn("Result of task '" + handler.name() + "' dropped: it arrived after its waiter gave up"
					+ ((count > 1) ? " (" + count + " results dropped since the last such warning)" : ""));
		}
	}

	@Override
	public void finished(Task task) {
		if (logger.isDebugEnabled()) {
			Throwable error = task.error();
			logger.debug(task + " after " + task.attempts() + " attempt(s) on worker " + task.workerId()
					+ ((error != null) ? ": " + SafeText.of(error) : ""));
		}
	}

	/**
	 * Counts events and says when one may be logged: at most once per interval, with the count since the last.
	 */
	static final class RateLimitedWarning {

		private final long intervalNanos;

		private final LongSupplier clock;

		private final LongAdder unlogged = new LongAdder();

		/** {@link System#nanoTime()} from which the next line may be written. */
		private final AtomicLong next;

		RateLimitedWarning(long intervalNanos, LongSupplier clock) {
			this.intervalNanos = intervalNanos;
			this.clock = clock;
			this.next = new AtomicLong(clock.getAsLong());
		}

		/**
		 * Counts one event.
		 * @return the events to report now (this one included), or 0 if this one is only counted
		 */
		long count() {
			this.unlogged.increment();
			long now = this.clock.getAsLong();
			long next = this.next.get();
			if (now - next >= 0 && this.next.compareAndSet(next, now + this.intervalNanos)) {
				return this.unlogged.sumThenReset();
			}
			return 0;
		}

	}

}
