package io.github.asynctask.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.LocalDateTime;

import io.github.asynctask.actuate.ThroughputSampler;
import io.github.asynctask.benchmarks.support.AsyncTaskSystem;

/**
 * The dashboard ring's cost measured a second way, robust to other load on the machine: the CPU time of one sample
 * ({@link ThroughputSampler#sample()}, what its thread does once a second) on a running task server with 2 workers,
 * so the share of one core the ring takes is that time over one second.
 * {@code java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" io.github.asynctask.benchmarks.DashboardRingCost}
 */
public final class DashboardRingCost {

	private DashboardRingCost() {
	}

	public static void main(String[] args) {
		int samples = 200_000;
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		try (AsyncTaskSystem system = AsyncTaskSystem.start(2)) {
			ThroughputSampler sampler = new ThroughputSampler(system.server(), system.handlers());
			for (int i = 0; i < samples; i++) {
				sampler.sample(); // warm-up
			}
			long cpu = threads.getCurrentThreadCpuTime();
			long wall = System.nanoTime();
			for (int i = 0; i < samples; i++) {
				sampler.sample();
			}
			double cpuPerSample = (threads.getCurrentThreadCpuTime() - cpu) / (double) samples;
			double wallPerSample = (System.nanoTime() - wall) / (double) samples;
			System.out.printf("%s, %d CPUs, JDK %s, load average %.2f%n", LocalDateTime.now(),
					Runtime.getRuntime().availableProcessors(), Runtime.version(),
					ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
			System.out.printf("one sample: %.0f ns CPU, %.0f ns wall; once a second that is %.5f%% of one core%n",
					cpuPerSample, wallPerSample, cpuPerSample / 1e9 * 100);
		}
	}

}
