package io.github.asynctask.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.benchmarks.RedisThroughputBenchmark.OneJobAtATimeQueue;
import io.github.asynctask.benchmarks.RedisTwoNodesBenchmark.TwoNodesState;
import io.github.asynctask.benchmarks.support.Batch;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Scenario 8b in CPU time: the JVM's process CPU time (both nodes and the producer thread) and Redis's CPU time
 * ({@code INFO cpu}) per task, for async-task's two nodes and for scenario 8's one-job-at-a-time queue, in rounds that
 * alternate the two, with wall-clock tasks/s and the load average beside each. Usage:
 * {@code java [-Dthreads=true] [-DskipBaseline=true] -cp ... RedisTwoNodesCpuPerTask [tasks] [rounds] [batch-size]}
 * ({@code threads}: CPU per task of each thread (group) too).
 */
public final class RedisTwoNodesCpuPerTask {

	private RedisTwoNodesCpuPerTask() {
	}

	public static void main(String[] args) throws Exception {
		int tasks = (args.length > 0) ? Integer.parseInt(args[0]) : 200_000;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		TwoNodesState nodes = new TwoNodesState();
		nodes.workers = 2;
		nodes.batchSize = (args.length > 2) ? Integer.parseInt(args[2]) : 64;
		nodes.start();
		OneJobAtATimeQueue queue = new OneJobAtATimeQueue(2);
		try {
			TaskTemplate origin = nodes.origin.getBean(TaskTemplate.class);
			RedisTwoNodesBenchmark.run(origin, tasks / 4); // warm-up
			jobs(queue, tasks / 40);
			LettuceConnectionFactory factory = nodes.origin.getBean(LettuceConnectionFactory.class);
			try (RedisConnection connection = factory.getConnection()) {
				for (int round = 1; round <= rounds; round++) {
					measure("async-task, 2 nodes", tasks, connection, () -> RedisTwoNodesBenchmark.run(origin, tasks));
					if (!Boolean.getBoolean("skipBaseline")) {
						measure("one job at a time", tasks / 10, connection, () -> jobs(queue, tasks / 10));
					}
				}
			}
		}
		finally {
			queue.close();
			nodes.stop();
		}
	}

	private static void jobs(OneJobAtATimeQueue queue, int jobs) {
		Batch batch = new Batch(jobs);
		queue.batch = batch;
		for (int i = 0; i < jobs; i++) {
			queue.add(i);
		}
		batch.await(Bench.TIMEOUT.multipliedBy(5));
	}

	private static void measure(String what, int tasks, RedisConnection connection, Runnable run) throws Exception {
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		java.util.Map<Long, Long> threadCpu = new java.util.HashMap<>();
		for (long id : threads.getAllThreadIds()) {
			threadCpu.put(id, threads.getThreadCpuTime(id));
		}
		double redisBefore = redisCpuSeconds(connection);
		long cpuBefore = os.getProcessCpuTime();
		long start = System.nanoTime();
		run.run();
		long wall = System.nanoTime() - start;
		long cpu = os.getProcessCpuTime() - cpuBefore;
		double redis = redisCpuSeconds(connection) - redisBefore;
		double javaUs = cpu / 1000.0 / tasks;
		double redisUs = redis * 1_000_000 / tasks;
		System.out.printf("%-20s %7d tasks: %8.0f tasks/s wall, JVM CPU %6.1f us/task, Redis CPU %5.1f us/task"
				+ " (bound on 2 idle cores %6.0f tasks/s); load average %s%n", what, tasks, tasks / (wall / 1e9),
				javaUs, redisUs, 2_000_000 / (javaUs + redisUs), loadAverage());
		if (Boolean.getBoolean("threads")) {
			java.util.Map<String, Long> byName = new java.util.TreeMap<>();
			for (long id : threads.getAllThreadIds()) {
				java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
				long now = threads.getThreadCpuTime(id);
				if (info != null && now > 0) {
					String name = info.getThreadName().replaceAll("-\\d+$", "-N");
					byName.merge(name, now - threadCpu.getOrDefault(id, 0L), Long::sum);
				}
			}
			byName.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(14)
				.forEach((e) -> System.out.printf("    %-45s %6.1f us/task%n", e.getKey(), e.getValue() / 1000.0 / tasks));
		}
	}

	private static String loadAverage() throws Exception {
		String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
		return parts[0] + " " + parts[1] + " " + parts[2];
	}

	private static double redisCpuSeconds(RedisConnection connection) {
		Properties cpu = connection.serverCommands().info("cpu");
		return Double.parseDouble(cpu.getProperty("used_cpu_user")) + Double.parseDouble(cpu.getProperty("used_cpu_sys"));
	}

}
