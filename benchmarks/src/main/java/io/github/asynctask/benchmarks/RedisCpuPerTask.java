package io.github.asynctask.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Properties;

import io.github.asynctask.TaskTemplate;
import io.github.asynctask.benchmarks.RedisThroughputBenchmark.Ping;
import io.github.asynctask.benchmarks.RedisThroughputBenchmark.PingHandlers;
import io.github.asynctask.benchmarks.RedisThroughputBenchmark.RedisNodeState;
import io.github.asynctask.benchmarks.support.Batch;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Scenario 8 measured in CPU time rather than wall time, for machines shared with other work where tasks/s say more
 * about the neighbours than about the code: the node's process CPU time and Redis's CPU time (INFO cpu) per task,
 * end to end (dispatch -> own consumer -> handler -> reply -> {@code @OnFinish}), and what they add up to as an upper
 * bound of tasks/s on two otherwise idle cores. Usage: {@code java -cp ... RedisCpuPerTask [tasks] [batch-size]}.
 */
public final class RedisCpuPerTask {

	private RedisCpuPerTask() {
	}

	public static void main(String[] args) {
		int tasks = (args.length > 0) ? Integer.parseInt(args[0]) : 200_000;
		RedisNodeState node = new RedisNodeState();
		node.workers = 2;
		node.batchSize = (args.length > 1) ? Integer.parseInt(args[1]) : 64;
		node.start();
		try {
			TaskTemplate template = node.template;
			run(template, tasks / 2); // warm-up
			LettuceConnectionFactory factory = node.context.getBean(LettuceConnectionFactory.class);
			com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
				.getOperatingSystemMXBean();
			try (RedisConnection connection = factory.getConnection()) {
				double redisBefore = redisCpuSeconds(connection);
				long cpuBefore = os.getProcessCpuTime();
				long start = System.nanoTime();
				run(template, tasks);
				long wall = System.nanoTime() - start;
				long cpu = os.getProcessCpuTime() - cpuBefore;
				double redis = redisCpuSeconds(connection) - redisBefore;
				double javaUs = cpu / 1000.0 / tasks;
				double redisUs = redis * 1_000_000 / tasks;
				System.out.printf("tasks %d, batch-size %d: %.0f tasks/s wall (load average %.1f), node CPU %.1f us/task,"
						+ " Redis CPU %.1f us/task, bound on 2 idle cores %.0f tasks/s%n", tasks, node.batchSize,
						tasks / (wall / 1e9), os.getSystemLoadAverage(), javaUs, redisUs,
						2_000_000 / (javaUs + redisUs));
			}
		}
		finally {
			node.stop();
		}
	}

	private static void run(TaskTemplate template, int tasks) {
		Batch batch = new Batch(tasks);
		PingHandlers.batch = batch;
		for (int i = 0; i < tasks; i++) {
			template.dispatch(new Ping(i, "ping"));
		}
		batch.await(Bench.TIMEOUT.multipliedBy(5));
	}

	private static double redisCpuSeconds(RedisConnection connection) {
		Properties cpu = connection.serverCommands().info("cpu");
		return Double.parseDouble(cpu.getProperty("used_cpu_user")) + Double.parseDouble(cpu.getProperty("used_cpu_sys"));
	}

}
