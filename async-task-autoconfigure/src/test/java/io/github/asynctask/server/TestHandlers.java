package io.github.asynctask.server;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskResult;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Handlers shared by the server tests: payloads that say what to do, and a record of what ran where.
 */
class TestHandlers {

	/** Echoes its text; recorded with the worker that ran it. */
	record Echo(String text) {
	}

	/** Waits until its gate opens (at most 30s), then returns its label. */
	record Gated(String label, CountDownLatch gate) {
	}

	/** Throws an IllegalStateException with its message. */
	record Boom(String message) {
	}

	/** Sleeps, playing slow work. */
	record Slow(int millis, int seq) {
	}

	/** One task of a keyed or ordered sequence. */
	record Step(String key, int seq) {
	}

	/** Returns null. */
	record Nothing() {
	}

	/** Throws an exception whose getMessage() and toString() throw too. */
	record Nasty() {
	}

	/** Ignores interrupts until its release latch opens (at most 60s). */
	record Stubborn(CountDownLatch started, CountDownLatch release) {
	}

	/** One numbered task whose runs are counted. */
	record Counted(int seq) {
	}

	/** Records its thread, and whether that thread was interrupted when the task started. */
	record Probe(String label) {
	}

	/** An exception that cannot be printed. */
	static final class UnprintableException extends RuntimeException {

		@Override
		public String getMessage() {
			throw new IllegalStateException("getMessage() throws");
		}

		@Override
		public String toString() {
			throw new IllegalStateException("toString() throws");
		}

	}

	final List<String> finished = new CopyOnWriteArrayList<>();

	final List<TaskResult<?>> outcomes = new CopyOnWriteArrayList<>();

	final List<String> finishThreads = new CopyOnWriteArrayList<>();

	final List<String> outcomeThreads = new CopyOnWriteArrayList<>();

	final Map<Integer, AtomicInteger> slowByWorker = new ConcurrentHashMap<>();

	final Queue<Integer> slowOrder = new ConcurrentLinkedQueue<>();

	final Map<String, Queue<Integer>> stepsByKey = new ConcurrentHashMap<>();

	final Map<Integer, Integer> stepRuns = new ConcurrentHashMap<>();

	final LongAdder steps = new LongAdder();

	final Map<String, Integer> echoWorkers = new ConcurrentHashMap<>();

	final Map<String, String> echoThreads = new ConcurrentHashMap<>();

	final Map<String, java.time.Instant> echoDispatchedAt = new ConcurrentHashMap<>();

	final Map<Integer, AtomicInteger> countedRuns = new ConcurrentHashMap<>();

	final Map<String, Thread> probeThreads = new ConcurrentHashMap<>();

	final Map<String, Boolean> probeInterrupted = new ConcurrentHashMap<>();

	@OnTask
	String echo(Echo echo, TaskContext ctx) {
		this.echoWorkers.put(echo.text(), ctx.workerId());
		this.echoThreads.put(echo.text(), Thread.currentThread().getName());
		this.echoDispatchedAt.put(echo.text(), ctx.dispatchedAt());
		return echo.text();
	}

	@OnTask
	String gated(Gated gated) throws InterruptedException {
		if (!gated.gate().await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("gate of " + gated.label() + " never opened");
		}
		return gated.label();
	}

	@OnTask
	String boom(Boom boom) {
		throw new IllegalStateException(boom.message());
	}

	@OnTask
	int slow(Slow slow, TaskContext ctx) throws InterruptedException {
		Thread.sleep(slow.millis()); // plays slow work
		this.slowByWorker.computeIfAbsent(ctx.workerId(), (id) -> new AtomicInteger()).incrementAndGet();
		this.slowOrder.add(slow.seq());
		return slow.seq();
	}

	@OnTask
	void step(Step step) {
		this.stepsByKey.computeIfAbsent(step.key(), (key) -> new ConcurrentLinkedQueue<>()).add(step.seq());
		this.steps.increment();
	}

	@OnTask
	Object nothing(Nothing nothing) {
		return null;
	}

	@OnTask
	String nasty(Nasty nasty) {
		throw new UnprintableException();
	}

	@OnTask
	String stubborn(Stubborn stubborn) {
		stubborn.started().countDown();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() < deadline) {
			try {
				if (stubborn.release().await(10, TimeUnit.MILLISECONDS)) {
					return "released";
				}
			}
			catch (InterruptedException ex) {
				// plays a handler that ignores interrupts
			}
		}
		return "gave up";
	}

	@OnTask
	void counted(Counted counted) {
		this.countedRuns.computeIfAbsent(counted.seq(), (seq) -> new AtomicInteger()).incrementAndGet();
	}

	@OnTask
	String probe(Probe probe) {
		this.probeInterrupted.put(probe.label(), Thread.currentThread().isInterrupted());
		this.probeThreads.put(probe.label(), Thread.currentThread());
		return probe.label();
	}

	@OnFinish
	void finished(String value) {
		this.finished.add(value);
		this.finishThreads.add(Thread.currentThread().getName());
	}

	@OnFinish({ "Echo", "Gated", "Boom", "Nothing" })
	void outcome(TaskResult<?> result) {
		this.outcomeThreads.add(Thread.currentThread().getName());
		this.outcomes.add(result);
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		TestHandlers testHandlers() {
			return new TestHandlers();
		}

	}

	static ApplicationContextRunner runner(String... properties) {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
			.withUserConfiguration(Config.class)
			.withPropertyValues(properties);
	}

}
