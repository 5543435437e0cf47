package io.github.asynctask.benchmarks.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Occupies one worker until {@link #release()}: used to keep every worker busy so that tasks pile up in queues.
 */
public final class Block {

	private final CountDownLatch started;

	private final CountDownLatch gate;

	Block(CountDownLatch started, CountDownLatch gate) {
		this.started = started;
		this.gate = gate;
	}

	/** Run on a worker: signals that the worker is taken, then holds it until the gate opens. */
	public void hold() {
		this.started.countDown();
		try {
			if (!this.gate.await(10, TimeUnit.MINUTES)) {
				throw new IllegalStateException("Block never released");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A set of blocks sharing one gate, one per worker.
	 */
	public static final class Gate {

		private final CountDownLatch started;

		private final CountDownLatch gate = new CountDownLatch(1);

		private final int workers;

		public Gate(int workers) {
			this.workers = workers;
			this.started = new CountDownLatch(workers);
		}

		public Block block() {
			return new Block(this.started, this.gate);
		}

		public void awaitAllHeld(Duration timeout) {
			try {
				if (!this.started.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
					throw new IllegalStateException("Only " + (this.workers - this.started.getCount()) + " of "
							+ this.workers + " workers blocked after " + timeout);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		public void release() {
			this.gate.countDown();
		}

	}

}
