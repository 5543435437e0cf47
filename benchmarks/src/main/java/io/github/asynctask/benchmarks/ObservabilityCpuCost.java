package io.github.asynctask.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.management.OperatingSystemMXBean;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.benchmarks.support.AsyncTaskSystem;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.ChildJvm;
import io.github.asynctask.benchmarks.support.Noop;
import org.slf4j.MDC;

/**
 * Scenario 8 measured as CPU time instead of wall time, for a shared machine where the wall-clock figures of
 * {@link ObservabilityBenchmark} swing by more than the overhead they should show. Each configuration runs in
 * {@code async-task.inline} mode (the task, its events, its chain and its {@code @OnFinish} run on the dispatching
 * thread: no hand-over, no wake-up, no spinning), in its own JVM, and the score is the process CPU time (GC
 * included) per task, the median of {@link #ROUNDS} rounds of {@link #TASKS} tasks (a tenth for observations) after a warm-up. The
 * configurations are run in turn, {@link #PASSES} times, so that a change in the machine's load hits them alike.
 * <p>
 * Usage: {@code ObservabilityCpuCost} (or {@code --measure <configuration>} in the child JVM).
 */
public final class ObservabilityCpuCost {

	static final int TASKS = 1_000_000;

	static final int ROUNDS = 5;

	static final int PASSES = 3;

	private static final String RESULT_PREFIX = "CPU-NS-PER-TASK ";

	private static final String QUEUE = "async-task.queue-capacity=1000";

	private static final Map<String, Configuration> CONFIGURATIONS = new LinkedHashMap<>();

	static {
		CONFIGURATIONS.put("metersOff", new Configuration(new Class<?>[0], false));
		CONFIGURATIONS.put("noContextPropagation",
				new Configuration(new Class<?>[0], false, "async-task.propagate-context=false"));
		CONFIGURATIONS.put("metersOn", new Configuration(new Class<?>[] { ObservabilityBenchmark.Meters.class }, false));
		CONFIGURATIONS.put("metersWithFullTimers", new Configuration(
				new Class<?>[] { ObservabilityBenchmark.Meters.class, ObservabilityBenchmark.FullTimers.class }, false));
		CONFIGURATIONS.put("propagatingMdc", new Configuration(new Class<?>[0], true));
		CONFIGURATIONS.put("observations", new Configuration(
				new Class<?>[] { ObservabilityBenchmark.Meters.class, ObservabilityBenchmark.Observations.class },
				false, "async-task.observations.enabled=true"));
	}

	private ObservabilityCpuCost() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 2 && args[0].equals("--measure")) {
			measure(args[1]);
			return;
		}
		Map<String, List<Double>> results = new LinkedHashMap<>();
		for (int pass = 1; pass <= PASSES; pass++) {
			for (String name : CONFIGURATIONS.keySet()) {
				double score = runChild(name);
				results.computeIfAbsent(name, (key) -> new ArrayList<>()).add(score);
				System.out.printf("pass %d %-22s %8.1f ns CPU/task%n", pass, name, score);
			}
		}
		double baseline = median(results.get("metersOff"));
		System.out.println();
		System.out.printf("%-22s %12s %10s %14s%n", "configuration", "ns CPU/task", "vs off", "tasks/CPU-s");
		for (Map.Entry<String, List<Double>> entry : results.entrySet()) {
			double median = median(entry.getValue());
			System.out.printf("%-22s %12.1f %9.2fx %14.0f   passes %s%n", entry.getKey(), median, baseline / median,
					1e9 / median, entry.getValue());
		}
	}

	private static double runChild(String name) throws IOException, InterruptedException {
		Double score = null;
		for (String line : ChildJvm.run(ObservabilityCpuCost.class, List.of("-Xms1g", "-Xmx1g"), "--measure", name)) {
			if (line.startsWith(RESULT_PREFIX)) {
				score = Double.parseDouble(line.substring(RESULT_PREFIX.length()).trim());
			}
		}
		if (score == null) {
			throw new IllegalStateException("Measuring " + name + " reported no result");
		}
		return score;
	}

	private static void measure(String name) {
		Configuration configuration = CONFIGURATIONS.get(name);
		List<String> properties = new ArrayList<>(List.of(QUEUE, "async-task.inline=true"));
		properties.addAll(Arrays.asList(configuration.properties()));
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		try (AsyncTaskSystem system = AsyncTaskSystem.start(1, configuration.sources(),
				properties.toArray(String[]::new))) {
			TaskTemplate template = system.template();
			if (configuration.mdc()) {
				MDC.put("requestId", "bench-42");
			}
			// observations cost microseconds per task: a tenth of the tasks keep each round about as long
			int tasks = name.equals("observations") ? TASKS / 10 : TASKS;
			for (int i = 0; i < 3; i++) {
				batch(template, tasks);
			}
			double[] scores = new double[ROUNDS];
			for (int i = 0; i < ROUNDS; i++) {
				System.gc();
				long before = os.getProcessCpuTime();
				batch(template, tasks);
				scores[i] = (os.getProcessCpuTime() - before) / (double) tasks;
			}
			Arrays.sort(scores);
			System.out.println(RESULT_PREFIX + scores[ROUNDS / 2]);
		}
	}

	private static void batch(TaskTemplate template, int tasks) {
		Batch batch = new Batch(tasks);
		Noop task = new Noop(batch);
		for (int i = 0; i < tasks; i++) {
			template.dispatch(task);
		}
		if (batch.finishedCount() != tasks) {
			throw new IllegalStateException("inline mode ran " + batch.finishedCount() + " of " + tasks);
		}
	}

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(Double::compare);
		return sorted.get(sorted.size() / 2);
	}

	private record Configuration(Class<?>[] sources, boolean mdc, String... properties) {
	}

}
