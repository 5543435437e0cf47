package io.github.asynctask.benchmarks.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed set of dedicated producer threads: {@link #runOnEach(Runnable)} hands the same job to every one of
 * them at once and returns when all have finished it, so N producers really dispatch concurrently.
 */
public final class ProducerPool implements AutoCloseable {

	private final Thread[] threads;

	private final SynchronousQueue<Runnable>[] inboxes;

	@SuppressWarnings("unchecked")
	public ProducerPool(int producers) {
		this.threads = new Thread[producers];
		this.inboxes = new SynchronousQueue[producers];
		for (int i = 0; i < producers; i++) {
			SynchronousQueue<Runnable> inbox = new SynchronousQueue<>();
			this.inboxes[i] = inbox;
			this.threads[i] = new Thread(() -> {
				try {
					while (true) {
						inbox.take().run();
					}
				}
				catch (InterruptedException ex) {
					// closed
				}
			}, "producer-" + i);
			this.threads[i].setDaemon(true);
			this.threads[i].start();
		}
	}

	public int size() {
		return this.threads.length;
	}

	/** Runs {@code job} once on every producer thread concurrently and waits for all of them. */
	public void runOnEach(Runnable job) {
		CountDownLatch done = new CountDownLatch(this.threads.length);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Runnable wrapped = () -> {
			try {
				job.run();
			}
			catch (Throwable ex) {
				failure.compareAndSet(null, ex);
			}
			finally {
				done.countDown();
			}
		};
		try {
			for (SynchronousQueue<Runnable> inbox : this.inboxes) {
				inbox.put(wrapped);
			}
			done.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		if (failure.get() != null) {
			throw new IllegalStateException("A producer failed", failure.get());
		}
	}

	@Override
	public void close() {
		for (Thread thread : this.threads) {
			thread.interrupt();
		}
	}

}
