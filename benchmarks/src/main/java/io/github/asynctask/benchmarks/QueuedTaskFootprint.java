package io.github.asynctask.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.asynctask.benchmarks.Scenario.Goal;
import io.github.asynctask.benchmarks.support.AsyncTaskSystem;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.Block;
import io.github.asynctask.benchmarks.support.Noop;
import io.github.asynctask.benchmarks.support.SpringAsyncSystem;
import io.github.asynctask.benchmarks.support.ThreadPoolSystem;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Scenario 6: heap bytes per queued task. Every worker is blocked, {@link #TASKS} distinct payloads are
 * allocated up front (so they are in the "before" heap and the result excludes them), then dispatched; the
 * used heap after a full GC, minus the used heap before, divided by {@link #TASKS}, is what one queued task
 * costs beyond its payload. Measured {@link #ROUNDS} times after a warm-up round; the median is the score.
 * <p>
 * Not a JMH benchmark (it measures space, not time), but it writes its result in JMH's JSON shape (mode
 * {@code footprint}, unit {@code B/task}) so the report treats it like any other scenario. Each
 * implementation runs in its own JVM, like a JMH fork.
 * <p>
 * Usage: {@code QueuedTaskFootprint <out.json>} (or {@code --measure <implementation>} in the child JVM).
 */
@Scenario(id = "6", title = "Heap per queued task, beyond the payload (bytes/task)",
		goals = @Goal(maxValue = 100, unit = "B/task"))
public final class QueuedTaskFootprint {

	static final int TASKS = 1_000_000;

	static final int ROUNDS = 3;

	static final int WORKERS = 2;

	static final List<String> IMPLEMENTATIONS = List.of("asyncTask", "threadPoolExecutor", "springAsync");

	static final String[] CHILD_JVM_ARGS = { "-Xms2g", "-Xmx2g" };

	private static final String RESULT_PREFIX = "FOOTPRINT ";

	private QueuedTaskFootprint() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 2 && args[0].equals("--measure")) {
			double[] rounds = measure(args[1]);
			System.out.println(RESULT_PREFIX + Arrays.toString(rounds).replaceAll("[\\[\\] ]", ""));
			return;
		}
		if (args.length != 1) {
			throw new IllegalArgumentException("Usage: QueuedTaskFootprint <out.json>");
		}
		JsonMapper mapper = JsonMapper.builder().build();
		ArrayNode results = mapper.createArrayNode();
		for (String implementation : IMPLEMENTATIONS) {
			double[] rounds = fork(implementation);
			double[] sorted = rounds.clone();
			Arrays.sort(sorted);
			double median = sorted[sorted.length / 2];
			System.out.printf("QueuedTaskFootprint.%s: %.1f B/task (rounds %s)%n", implementation, median,
					Arrays.toString(rounds));
			results.add(result(mapper, implementation, median, rounds));
		}
		mapper.writerWithDefaultPrettyPrinter().writeValue(new File(args[0]), results);
	}

	private static ObjectNode result(JsonMapper mapper, String implementation, double median, double[] rounds) {
		ObjectNode node = mapper.createObjectNode();
		node.put("benchmark", QueuedTaskFootprint.class.getName() + "." + implementation);
		node.put("mode", "footprint");
		node.put("threads", 1);
		node.put("forks", 1);
		node.put("jvm", javaExecutable());
		ArrayNode jvmArgs = node.putArray("jvmArgs");
		Arrays.stream(CHILD_JVM_ARGS).forEach(jvmArgs::add);
		node.put("jdkVersion", System.getProperty("java.version"));
		node.put("vmName", System.getProperty("java.vm.name"));
		node.put("vmVersion", System.getProperty("java.vm.version"));
		node.put("measurementIterations", ROUNDS);
		node.putObject("params").put("workers", String.valueOf(WORKERS)).put("tasks", String.valueOf(TASKS));
		ObjectNode metric = node.putObject("primaryMetric");
		metric.put("score", median);
		metric.put("scoreError", Double.NaN);
		double min = Arrays.stream(rounds).min().orElse(median);
		double max = Arrays.stream(rounds).max().orElse(median);
		metric.putArray("scoreConfidence").add(min).add(max);
		metric.put("scoreUnit", "B/task");
		ArrayNode raw = metric.putArray("rawData").addArray();
		Arrays.stream(rounds).forEach(raw::add);
		node.putObject("secondaryMetrics");
		return node;
	}

	private static double[] fork(String implementation) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(javaExecutable());
		command.addAll(Arrays.asList(CHILD_JVM_ARGS));
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(QueuedTaskFootprint.class.getName());
		command.add("--measure");
		command.add(implementation);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		double[] result = null;
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.startsWith(RESULT_PREFIX)) {
					result = Arrays.stream(line.substring(RESULT_PREFIX.length()).split(","))
						.mapToDouble(Double::parseDouble)
						.toArray();
				}
				else {
					System.out.println("  [" + implementation + "] " + line);
				}
			}
		}
		int exit = process.waitFor();
		if (exit != 0 || result == null) {
			throw new IllegalStateException("Footprint of " + implementation + " failed (exit " + exit + ")");
		}
		return result;
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	static double[] measure(String implementation) throws Exception {
		Batch finishes = Batch.unbounded();
		Noop[] payloads = new Noop[TASKS];
		for (int i = 0; i < TASKS; i++) {
			payloads[i] = new Noop(finishes);
		}
		Target target = target(implementation);
		try {
			long dispatched = 0;
			// Warm-up round: lazily created structures and JIT out of the way.
			dispatched += round(target, payloads, TASKS / 10, finishes, dispatched);
			double[] rounds = new double[ROUNDS];
			for (int r = 0; r < ROUNDS; r++) {
				long before = System.nanoTime();
				rounds[r] = perTask(target, payloads, finishes, dispatched);
				dispatched += TASKS;
				System.out.printf("round %d: %.1f B/task (%d ms)%n", r, rounds[r],
						Duration.ofNanos(System.nanoTime() - before).toMillis());
			}
			return rounds;
		}
		finally {
			target.close.run();
		}
	}

	private static long round(Target target, Noop[] payloads, int count, Batch finishes, long dispatched) {
		Block.Gate gate = target.block.get();
		for (int i = 0; i < count; i++) {
			target.dispatch.accept(payloads[i]);
		}
		gate.release();
		finishes.awaitCount(dispatched + count, Duration.ofMinutes(2));
		return count;
	}

	private static double perTask(Target target, Noop[] payloads, Batch finishes, long dispatched) {
		Block.Gate gate = target.block.get();
		long before = usedHeapAfterGc();
		for (Noop payload : payloads) {
			target.dispatch.accept(payload);
		}
		long after = usedHeapAfterGc();
		gate.release();
		finishes.awaitCount(dispatched + payloads.length, Duration.ofMinutes(2));
		return (double) (after - before) / payloads.length;
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			System.gc();
			used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	private static Target target(String implementation) {
		switch (implementation) {
			case "asyncTask": {
				AsyncTaskSystem system = AsyncTaskSystem.start(WORKERS, "async-task.queue-capacity=" + TASKS,
						"async-task.when-full=reject");
				return new Target(system::blockAllWorkers, (payload) -> system.template().dispatch(payload),
						system::close);
			}
			case "threadPoolExecutor": {
				ThreadPoolSystem system = ThreadPoolSystem.start(WORKERS);
				return new Target(system::blockAllWorkers, (payload) -> {
					Supplier<Noop> handler = () -> payload;
					CompletableFuture.supplyAsync(handler, system.executor()).thenAccept(ThreadPoolSystem.NOOP_FINISHED);
				}, system::close);
			}
			case "springAsync": {
				SpringAsyncSystem system = SpringAsyncSystem.start(WORKERS);
				return new Target(system::blockAllWorkers,
						(payload) -> system.service().noop(payload).thenAccept(ThreadPoolSystem.NOOP_FINISHED),
						system::close);
			}
			default:
				throw new IllegalArgumentException(
						"Unknown implementation '" + implementation + "'; known: " + IMPLEMENTATIONS);
		}
	}

	private record Target(Supplier<Block.Gate> block, Consumer<Noop> dispatch, Runnable close) {
	}

}
