package io.github.asynctask.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.sun.management.OperatingSystemMXBean;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.actuate.ThroughputSampler;
import io.github.asynctask.benchmarks.support.AsyncTaskSystem;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.ChildJvm;
import io.github.asynctask.benchmarks.support.Noop;

/**
 * Scenario 13 as a paired measurement: scenario 1's workload (no-op tasks from one producer to 2 workers, batches of
 * {@value #TASKS}, first dispatch to last {@code @OnFinish}) with the dashboard's {@link ThroughputSampler} on and off
 * <em>in the same JVM</em>, switched every block (whole batches for {@code blockMillis}) in ABBA order (off, on, on,
 * off, ...), the ring started at the start of each "on" block and stopped at its end. {@link DashboardRingBenchmark}
 * compares two JMH forks, and on a shared 2-vCPU machine one fork differs from the next by ±30%, far more than the 2%
 * in question; here both sides share the JIT, the heap and the threads.
 * <p>
 * Even so, the throughput of adjacent blocks of one JVM swings by several per cent with nothing changed, so the run
 * holds its own A/A control: every other fork is a control fork whose "on" blocks start no ring, and both kinds are
 * summarised alike. A block starts the ring afresh, so an "on" block takes a sample at its start and then one a
 * second: with blocks shorter than a second that is more sampling than the dashboard does, never less.
 * <p>
 * Reported per kind of fork: the median of the adjacent blocks' on/off throughput ratios with its 95% confidence
 * interval (distribution-free, from order statistics), the mean of the forks' ratios with a Student's t interval, and
 * the same for CPU per task (process CPU time, GC included).
 * <p>
 * Usage: {@code DashboardRingPaired [forks [blocks [blockMillis [warmupSeconds]]]]}, defaults 20 (half of them
 * control), 40, 1000, 10.
 */
public final class DashboardRingPaired {

	static final int TASKS = 100_000;

	private static final String BLOCK_PREFIX = "BLOCK ";

	private DashboardRingPaired() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 6 && args[0].equals("--fork")) {
			fork(Boolean.parseBoolean(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
					Integer.parseInt(args[4]), Boolean.parseBoolean(args[5]));
			return;
		}
		int forks = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		int blocks = (args.length > 1) ? Integer.parseInt(args[1]) : 40;
		int blockMillis = (args.length > 2) ? Integer.parseInt(args[2]) : 1000;
		int warmupSeconds = (args.length > 3) ? Integer.parseInt(args[3]) : 10;
		System.out.printf(Locale.ROOT, "%d CPUs, JDK %s, load average %.2f; %d forks (every other one a control) x %d "
				+ "blocks of %d ms after %d s warm-up, ABBA%n", Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.version"), loadAverage(), forks, blocks, blockMillis, warmupSeconds);
		Kind ring = new Kind("ring on/off");
		Kind control = new Kind("control (A/A)");
		for (int fork = 0; fork < forks; fork++) {
			boolean isControl = fork % 2 == 1;
			boolean onFirst = (fork / 2) % 2 == 1;
			Kind kind = isControl ? control : ring;
			List<Block> results = runFork(onFirst, blocks, blockMillis, warmupSeconds, isControl);
			kind.add(results);
			Side on = Side.of(results, true);
			Side off = Side.of(results, false);
			System.out.printf(Locale.ROOT, "fork %2d %-13s (%-3s first): off %,11.0f tasks/s %6.1f ns CPU/task | on "
					+ "%,11.0f tasks/s %6.1f ns CPU/task | on/off %.4f, CPU %.4f; load average %.2f%n", fork + 1,
					kind.name, onFirst ? "on" : "off", off.tasksPerSecond(), off.cpuNanosPerTask(),
					on.tasksPerSecond(), on.cpuNanosPerTask(), on.tasksPerSecond() / off.tasksPerSecond(),
					on.cpuNanosPerTask() / off.cpuNanosPerTask(), loadAverage());
		}
		System.out.println();
		for (Kind kind : List.of(ring, control)) {
			System.out.println(kind.name + ":");
			System.out.println("  throughput on/off, adjacent blocks: " + median(kind.pairRatios, "pairs"));
			System.out.println("  throughput on/off, forks:           " + mean(kind.throughputRatios));
			System.out.println("  CPU per task on/off, forks:         " + mean(kind.cpuRatios));
		}
	}

	private static double loadAverage() {
		return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
	}

	private static List<Block> runFork(boolean onFirst, int blocks, int blockMillis, int warmupSeconds,
			boolean control) throws IOException, InterruptedException {
		List<String> output = ChildJvm.run(DashboardRingPaired.class,
				List.of(Bench.XMS, Bench.XMX, Bench.PRE_TOUCH), "--fork", String.valueOf(onFirst),
				String.valueOf(blocks), String.valueOf(blockMillis), String.valueOf(warmupSeconds),
				String.valueOf(control));
		List<Block> results = new ArrayList<>();
		for (String line : output) {
			if (line.startsWith(BLOCK_PREFIX)) {
				String[] fields = line.substring(BLOCK_PREFIX.length()).trim().split(" ");
				results.add(new Block(fields[0].equals("on"), Long.parseLong(fields[1]), Long.parseLong(fields[2]),
						Long.parseLong(fields[3])));
			}
		}
		if (results.size() != blocks) {
			throw new IllegalStateException("The fork reported " + results.size() + " of " + blocks + " blocks:\n"
					+ String.join("\n", output));
		}
		return results;
	}

	/** One fork: one system, warmed up, then the blocks, the ring started and stopped between them. */
	private static void fork(boolean onFirst, int blocks, int blockMillis, int warmupSeconds, boolean control) {
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		try (AsyncTaskSystem system = AsyncTaskSystem.start(2, "async-task.queue-capacity=" + TASKS)) {
			TaskTemplate template = system.template();
			runFor(template, warmupSeconds * 1_000_000_000L);
			for (int i = 0; i < blocks; i++) {
				// ABBA: blocks 0 and 3 of every four are the fork's first side
				boolean first = (i % 4 == 0) || (i % 4 == 3);
				boolean on = (first == onFirst);
				ThroughputSampler sampler = null;
				if (on && !control) {
					sampler = new ThroughputSampler(system.server(), system.handlers());
					sampler.start();
				}
				long cpuBefore = os.getProcessCpuTime();
				long start = System.nanoTime();
				long tasks = runFor(template, blockMillis * 1_000_000L);
				long nanos = System.nanoTime() - start;
				long cpu = os.getProcessCpuTime() - cpuBefore;
				if (sampler != null) {
					sampler.stop();
				}
				System.out.println(BLOCK_PREFIX + (on ? "on" : "off") + " " + tasks + " " + nanos + " " + cpu);
			}
		}
	}

	/** Whole batches until {@code nanos} have passed; the tasks run. */
	private static long runFor(TaskTemplate template, long nanos) {
		long deadline = System.nanoTime() + nanos;
		long tasks = 0;
		do {
			Batch batch = new Batch(TASKS);
			Noop task = new Noop(batch);
			for (int i = 0; i < TASKS; i++) {
				template.dispatch(task);
			}
			batch.await(Bench.TIMEOUT);
			tasks += TASKS;
		}
		while (System.nanoTime() < deadline);
		return tasks;
	}

	private static String mean(List<Double> ratios) {
		int n = ratios.size();
		double mean = ratios.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
		double variance = ratios.stream().mapToDouble((r) -> (r - mean) * (r - mean)).sum() / Math.max(1, n - 1);
		double halfWidth = studentT95(n - 1) * Math.sqrt(variance / n);
		return String.format(Locale.ROOT, "mean %.4f, 95%% CI %.4f to %.4f over %d forks", mean, mean - halfWidth,
				mean + halfWidth, n);
	}

	/** The median with the 95% interval between the order statistics n/2 -+ 1.96 sqrt(n)/2 (normal approximation). */
	private static String median(List<Double> ratios, String of) {
		List<Double> sorted = new ArrayList<>(ratios);
		sorted.sort(Double::compare);
		int n = sorted.size();
		double median = (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
		int spread = (int) Math.ceil(1.96 * Math.sqrt(n) / 2);
		double low = sorted.get(Math.max(0, n / 2 - spread));
		double high = sorted.get(Math.min(n - 1, (n + 1) / 2 + spread - 1));
		return String.format(Locale.ROOT, "median %.4f, 95%% CI %.4f to %.4f over %d %s", median, low, high, n, of);
	}

	/** Two-sided 95% critical value of Student's t. */
	private static double studentT95(int degreesOfFreedom) {
		double[] table = { Double.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
				2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086 };
		return (degreesOfFreedom < table.length) ? table[Math.max(0, degreesOfFreedom)] : 1.96;
	}

	/** The results of one kind of fork. */
	private static final class Kind {

		final String name;

		final List<Double> pairRatios = new ArrayList<>();

		final List<Double> throughputRatios = new ArrayList<>();

		final List<Double> cpuRatios = new ArrayList<>();

		Kind(String name) {
			this.name = name;
		}

		void add(List<Block> blocks) {
			for (int i = 0; i + 1 < blocks.size(); i += 2) {
				Block a = blocks.get(i);
				Block b = blocks.get(i + 1);
				Block on = a.on() ? a : b;
				Block off = a.on() ? b : a;
				this.pairRatios.add(on.tasksPerSecond() / off.tasksPerSecond());
			}
			Side on = Side.of(blocks, true);
			Side off = Side.of(blocks, false);
			this.throughputRatios.add(on.tasksPerSecond() / off.tasksPerSecond());
			this.cpuRatios.add(on.cpuNanosPerTask() / off.cpuNanosPerTask());
		}

	}

	private record Block(boolean on, long tasks, long nanos, long cpuNanos) {

		double tasksPerSecond() {
			return this.tasks * 1e9 / this.nanos;
		}

	}

	private record Side(long tasks, long nanos, long cpuNanos) {

		static Side of(List<Block> blocks, boolean on) {
			long tasks = 0;
			long nanos = 0;
			long cpu = 0;
			for (Block block : blocks) {
				if (block.on() == on) {
					tasks += block.tasks();
					nanos += block.nanos();
					cpu += block.cpuNanos();
				}
			}
			return new Side(tasks, nanos, cpu);
		}

		double tasksPerSecond() {
			return this.tasks * 1e9 / this.nanos;
		}

		double cpuNanosPerTask() {
			return (double) this.cpuNanos / this.tasks;
		}

	}

}
