package io.github.asynctask.autoconfigure.redis;

import java.util.List;

import io.github.asynctask.actuate.AsyncTaskCluster;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.autoconfigure.AsyncTaskProperties;
import io.github.asynctask.execution.TaskRunner;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.transport.TaskTransport;
import io.github.asynctask.transport.redis.JsonCodec;
import io.github.asynctask.transport.redis.RedisClusterView;
import io.github.asynctask.transport.redis.RedisDeadLetters;
import io.github.asynctask.transport.redis.RedisKeys;
import io.github.asynctask.transport.redis.RedisTransport;
import io.github.asynctask.transport.redis.RedisTransportSettings;
import io.github.asynctask.workers.WorkerPool;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the Redis Streams
 * transport, when {@code async-task.transport=redis}: a {@link RedisTransport} over the application's
 * {@link RedisConnectionFactory} and {@link JsonMapper}, in place of the in-process transport. Without Spring Data
 * Redis on the class path, or without a {@code RedisConnectionFactory} bean, startup fails saying what to add.
 * <p>
 * With {@code async-task.inline=true} (tests) nothing of it is built: every task runs on the thread that dispatches
 * it, so the node opens no Redis connection, joins no consumer group and reads nothing; an INFO line says so.
 */
@AutoConfiguration(before = AsyncTaskAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnProperty(name = "async-task.transport", havingValue = "redis")
@EnableConfigurationProperties(AsyncTaskProperties.class)
@Import({ AsyncTaskRedisAutoConfiguration.RedisTransportConfiguration.class,
		AsyncTaskRedisAutoConfiguration.MissingRedisConfiguration.class,
		AsyncTaskRedisAutoConfiguration.MissingJacksonConfiguration.class,
		AsyncTaskRedisAutoConfiguration.InlineConfiguration.class })
public final class AsyncTaskRedisAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "async-task.inline", havingValue = false, matchIfMissing = true)
	@ConditionalOnClass({ RedisConnectionFactory.class, JsonMapper.class, RedisTransport.class })
	static final class RedisTransportConfiguration {

		@Bean
		@ConditionalOnMissingBean(TaskTransport.class)
		RedisTransport asyncTaskTransport(AsyncTaskProperties properties,
				ObjectProvider<RedisConnectionFactory> connectionFactory, ObjectProvider<JsonMapper> jsonMapper,
				TaskHandlerRegistry registry, TaskRunner runner, WorkerPool pool) {
			RedisConnectionFactory factory = connectionFactory.getIfUnique();
			if (factory == null) {
				throw connectionFactory.stream().findAny().isPresent()
						? new RedisTransportUnavailableException(
								"there are several RedisConnectionFactory beans and none is primary",
								"Mark the one async-task should use @Primary")
						: new RedisTransportUnavailableException("there is no RedisConnectionFactory bean",
								"Add spring-boot-starter-data-redis to the application's dependencies (it makes one "
										+ "from spring.data.redis.*: host, port or url) or define a "
										+ "RedisConnectionFactory bean");
			}
			AsyncTaskProperties.Redis redis = properties.getRedis();
			String nodeId = (redis.getNodeId() != null) ? redis.getNodeId() : RedisTransportSettings.defaultNodeId();
			RedisTransportSettings settings = new RedisTransportSettings(redis.getKeyPrefix(), nodeId,
					redis.isConsume(), redis.getClaimIdle(), redis.getMaxDeliveries(), redis.getBatchSize(),
					redis.getMaxPayloadBytes(), redis.getMaxBacklog(), properties.getQueueCapacity(),
					properties.getWhenFull(), properties.getBlockTimeout(), redis.getPartitions());
			JsonMapper mapper = jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
			return new RedisTransport(settings, factory, new JsonCodec(mapper), registry,
					runner, pool);
		}

		@Bean
		@ConditionalOnBean(RedisTransport.class)
		@ConditionalOnMissingBean
		RedisClusterView asyncTaskRedisClusterView(RedisTransport transport,
				ObjectProvider<RedisConnectionFactory> connectionFactory, TaskHandlerRegistry registry) {
			RedisTransportSettings settings = transport.settings();
			return new RedisClusterView(connectionFactory.getObject(), new RedisKeys(settings.keyPrefix()),
					settings.nodeId(),
					() -> registry.isFrozen() ? registry.taskNames() : List.of(), settings.claimIdle());
		}

		@Bean
		@ConditionalOnBean(RedisTransport.class)
		@ConditionalOnMissingBean
		RedisDeadLetters asyncTaskRedisDeadLetters(RedisTransport transport,
				ObjectProvider<RedisConnectionFactory> connectionFactory) {
			return new RedisDeadLetters(connectionFactory.getObject(), new RedisKeys(transport.settings().keyPrefix()));
		}

		@Bean
		@ConditionalOnBean({ RedisClusterView.class, RedisDeadLetters.class })
		@ConditionalOnMissingBean
		AsyncTaskCluster asyncTaskCluster(RedisClusterView view, RedisDeadLetters deadLetters) {
			return new RedisAsyncTaskCluster(view, deadLetters);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "async-task.inline", havingValue = false, matchIfMissing = true)
	@ConditionalOnMissingClass("org.springframework.data.redis.connection.RedisConnectionFactory")
	static final class MissingRedisConfiguration {

		@Bean
		TaskTransport asyncTaskTransport() {
			throw new RedisTransportUnavailableException("Spring Data Redis is not on the class path",
					"Add spring-boot-starter-data-redis to the application's dependencies and point "
							+ "spring.data.redis.host and spring.data.redis.port (or spring.data.redis.url) at your Redis");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "async-task.inline", havingValue = false, matchIfMissing = true)
	@ConditionalOnMissingClass("tools.jackson.databind.json.JsonMapper")
	static final class MissingJacksonConfiguration {

		@Bean
		TaskTransport asyncTaskTransportWithoutJackson() {
			throw new RedisTransportUnavailableException("Jackson 3 (tools.jackson.databind) is not on the class path",
					"Add spring-boot-starter-jackson to the application's dependencies: async-task writes payloads "
							+ "and results as JSON with it. A web starter (spring-boot-starter-webmvc) brings it; "
							+ "spring-boot-starter-data-redis does not, so a worker-only node needs it named");
		}

	}

	/** Inline mode: no transport, only a line that says why. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("async-task.inline")
	static final class InlineConfiguration {

		InlineConfiguration() {
			LogFactory.getLog(AsyncTaskRedisAutoConfiguration.class)
				.info("async-task.transport=redis is not started because async-task.inline=true: no Redis "
						+ "connection, no consumer, nothing read; every task runs on the thread that dispatches it.");
		}

	}

}
