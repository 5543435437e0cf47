package io.github.asynctask.benchmarks.support;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The plain-JDK baseline: a fixed {@link ThreadPoolExecutor} (unbounded {@link LinkedBlockingQueue}, the
 * shape of {@code Executors.newFixedThreadPool}) driven with one {@code CompletableFuture} per task:
 * {@code CompletableFuture.supplyAsync(task, executor).thenAccept(finish)}.
 */
public final class ThreadPoolSystem implements AutoCloseable {

	/** The finish step of the no-op task, the same work as {@link AsyncTaskHandlers#noopFinished}. */
	public static final Consumer<Noop> NOOP_FINISHED = (result) -> result.batch().finished();

	/** The finish step of the sleep task. */
	public static final Consumer<Sleep> SLEEP_FINISHED = (result) -> result.batch().finished();

	private final ThreadPoolExecutor executor;

	private final int threads;

	private ThreadPoolSystem(int threads) {
		this.threads = threads;
		this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
				threadFactory("tpe-"));
		this.executor.prestartAllCoreThreads();
	}

	public static ThreadPoolSystem start(int threads) {
		return new ThreadPoolSystem(threads);
	}

	public ThreadPoolExecutor executor() {
		return this.executor;
	}

	/** The handler of the sleep task, the same work as {@link AsyncTaskHandlers#sleep}. */
	public static Sleep sleep(Sleep task) {
		Sleeper.sleepMillis(task.millis());
		return task;
	}

	public Block.Gate blockAllWorkers() {
		Block.Gate gate = new Block.Gate(this.threads);
		for (int i = 0; i < this.threads; i++) {
			Block block = gate.block();
			this.executor.execute(block::hold);
		}
		gate.awaitAllHeld(Duration.ofSeconds(30));
		return gate;
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	static ThreadFactory threadFactory(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
