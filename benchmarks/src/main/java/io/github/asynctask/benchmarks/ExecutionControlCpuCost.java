package io.github.asynctask.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.benchmarks.support.AsyncTaskSystem;
import io.github.asynctask.benchmarks.support.Batch;
import io.github.asynctask.benchmarks.support.Noop;

/**
 * Scenario 9 again, measured in CPU time rather than wall time, so that other load on a shared machine (which
 * stretches wall time, not the CPU time this process uses) does not drown a difference of a few percent: both
 * systems (no-op task with and without {@code retries=3}, {@code timeout=10s}) run in one JVM, in alternating
 * rounds of {@link #TASKS} tasks; the median process CPU time (and wall time) per task of each is printed, and
 * their ratios.
 * <p>
 * Usage: {@code ExecutionControlCpuCost [rounds]}.
 */
public final class ExecutionControlCpuCost {

	static final int TASKS = 1_000_000;

	private ExecutionControlCpuCost() {
	}

	public static void main(String[] args) {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 11;
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		try (AsyncTaskSystem plain = AsyncTaskSystem.start(2, "async-task.queue-capacity=" + TASKS);
				AsyncTaskSystem controlled = AsyncTaskSystem.start(2, "async-task.queue-capacity=" + TASKS,
						"async-task.tasks.Noop.retries=3", "async-task.tasks.Noop.timeout=10s")) {
			for (int i = 0; i < 3; i++) { // warm-up
				run(plain.template());
				run(controlled.template());
			}
			double[] plainCpu = new double[rounds];
			double[] controlledCpu = new double[rounds];
			double[] plainWall = new double[rounds];
			double[] controlledWall = new double[rounds];
			for (int i = 0; i < rounds; i++) {
				// alternate which goes first, so that neither always follows the other's garbage
				boolean plainFirst = (i % 2 == 0);
				long before = os.getProcessCpuTime();
				long wallBefore = System.nanoTime();
				run(plainFirst ? plain.template() : controlled.template());
				long middle = os.getProcessCpuTime();
				long wallMiddle = System.nanoTime();
				run(plainFirst ? controlled.template() : plain.template());
				long after = os.getProcessCpuTime();
				long wallAfter = System.nanoTime();
				double first = (middle - before) / (double) TASKS;
				double second = (after - middle) / (double) TASKS;
				plainCpu[i] = plainFirst ? first : second;
				controlledCpu[i] = plainFirst ? second : first;
				double firstWall = (wallMiddle - wallBefore) / (double) TASKS;
				double secondWall = (wallAfter - wallMiddle) / (double) TASKS;
				plainWall[i] = plainFirst ? firstWall : secondWall;
				controlledWall[i] = plainFirst ? secondWall : firstWall;
			}
			double p = median(plainCpu);
			double c = median(controlledCpu);
			System.out.printf("CPU ns per no-op task (median of %d rounds of %,d): without retry/timeout %.1f, "
					+ "with retries=3 and timeout=10s %.1f; cost ratio %.3f (throughput ratio %.3f)%n", rounds, TASKS,
					p, c, c / p, p / c);
			double pw = median(plainWall);
			double cw = median(controlledWall);
			System.out.printf("Wall ns per no-op task (same rounds): without %.1f, with %.1f; throughput ratio %.3f%n", pw,
					cw, pw / cw);
		}
	}

	private static void run(TaskTemplate template) {
		Batch batch = new Batch(TASKS);
		Noop task = new Noop(batch);
		for (int i = 0; i < TASKS; i++) {
			template.dispatch(task);
		}
		batch.await(Bench.TIMEOUT);
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

}
