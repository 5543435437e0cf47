package io.github.asynctask.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import io.github.asynctask.TaskServer;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.metrics.ClusterMetrics;
import io.github.asynctask.metrics.TaskMetrics;
import io.github.asynctask.transport.redis.RedisClusterMonitor;
import io.github.asynctask.transport.redis.RedisClusterView;
import io.github.asynctask.transport.redis.RedisTransport;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.function.SingletonSupplier;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@code async.task.*} meters: registered when Micrometer is on the classpath and a {@link MeterRegistry} bean
 * exists (Spring Boot's metrics auto-configuration makes one).
 */
@AutoConfiguration(after = AsyncTaskAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, TaskHandlerRegistry.class, TaskServer.class })
public final class AsyncTaskMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TaskMetrics asyncTaskMetrics(TaskHandlerRegistry handlers, ObjectProvider<TaskServer> server) {
		// the server is looked up at binding: it takes this bean as one of its observers
		return new TaskMetrics(handlers, SingletonSupplier.of(server::getObject));
	}

	/** The cluster's meters in redis mode, read from Redis in the background. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.data.redis.connection.RedisConnectionFactory")
	@ConditionalOnBean(RedisClusterView.class)
	static final class ClusterMetricsConfiguration {

		/** How often the monitor reads the cluster for the gauges. */
		private static final Duration PERIOD = Duration.ofSeconds(5);

		@Bean
		@ConditionalOnMissingBean
		ClusterMetrics asyncTaskClusterMetrics(TaskHandlerRegistry handlers,
				ObjectProvider<RedisClusterMonitor> monitor, ObjectProvider<RedisTransport> transport) {
			return new ClusterMetrics(() -> handlers.isFrozen() ? handlers.handlers() : List.of(),
					new MonitorFigures(monitor::getObject, transport::getIfAvailable));
		}

		@Bean
		@ConditionalOnMissingBean
		RedisClusterMonitor asyncTaskRedisClusterMonitor(RedisClusterView view, ClusterMetrics metrics) {
			return new RedisClusterMonitor(view, PERIOD, metrics::deadLettered);
		}

	}

	/** The gauges' figures: the monitor's last reading. */
	private record MonitorFigures(Supplier<RedisClusterMonitor> monitor,
			Supplier<@Nullable RedisTransport> transport) implements ClusterMetrics.Figures {

		@Override
		public double repliesExpired(String task) {
			RedisTransport transport = this.transport.get();
			return (transport != null) ? transport.repliesExpired(task) : 0;
		}

		@Override
		public double streamLength(String task) {
			RedisClusterView.Stream stream = stream(task);
			return (stream != null) ? stream.length() : Double.NaN;
		}

		@Override
		public double streamPending(String task) {
			RedisClusterView.Stream stream = stream(task);
			return (stream != null) ? stream.pending() : Double.NaN;
		}

		@Override
		public double streamLag(String task) {
			RedisClusterView.Stream stream = stream(task);
			return (stream != null) ? stream.lag() : Double.NaN;
		}

		@Override
		public double streamDelayed(String task) {
			RedisClusterView.Stream stream = stream(task);
			return (stream != null) ? stream.delayed() : Double.NaN;
		}

		@Override
		public double streamOverdueSeconds(String task) {
			RedisClusterView.Stream stream = stream(task);
			return (stream != null) ? stream.overdueMillis() / 1000.0 : Double.NaN;
		}

		@Override
		public double nodes() {
			RedisClusterView.Cluster cluster = this.monitor.get().latest();
			return (cluster != null) ? cluster.nodes().size() : Double.NaN;
		}

		private RedisClusterView.@Nullable Stream stream(String task) {
			RedisClusterView.Cluster cluster = this.monitor.get().latest();
			return (cluster != null) ? cluster.streams().get(task) : null;
		}

	}

}
