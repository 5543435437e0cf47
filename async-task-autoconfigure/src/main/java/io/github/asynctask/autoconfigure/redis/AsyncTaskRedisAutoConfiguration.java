package io.github.asynctask.autoconfigure.redis;

import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import io.github.asynctask.autoconfigure.AsyncTaskProperties;
import io.github.asynctask.execution.TaskRunner;
import io.github.asynctask.handler.TaskHandlerRegistry;
import io.github.asynctask.transport.TaskTransport;
import io.github.asynctask.transport.redis.JsonCodec;
import io.github.asynctask.transport.redis.RedisTransport;
import io.github.asynctask.transport.redis.RedisTransportSettings;
import io.github.asynctask.workers.WorkerPool;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
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
 */
@AutoConfiguration(before = AsyncTaskAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnProperty(name = "async-task.transport", havingValue = "redis")
@EnableConfigurationProperties(AsyncTaskProperties.class)
@Import({ AsyncTaskRedisAutoConfiguration.RedisTransportConfiguration.class,
		AsyncTaskRedisAutoConfiguration.MissingRedisConfiguration.class,
		AsyncTaskRedisAutoConfiguration.MissingJacksonConfiguration.class })
public final class AsyncTaskRedisAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RedisConnectionFactory.class, JsonMapper.class, RedisTransport.class })
	static final class RedisTransportConfiguration {

		@Bean
		@ConditionalOnMissingBean(TaskTransport.class)
		RedisTransport asyncTaskTransport(AsyncTaskProperties properties,
				ObjectProvider<RedisConnectionFactory> connectionFactory, ObjectProvider<JsonMapper> jsonMapper,
				TaskHandlerRegistry registry, TaskRunner runner, WorkerPool pool) {
			RedisConnectionFactory factory = connectionFactory.getIfUnique();
			if (factory == null) {
				throw new RedisTransportUnavailableException(connectionFactory.stream().findAny().isPresent()
						? "there are several RedisConnectionFactory beans and none is primary"
						: "there is no RedisConnectionFactory bean");
			}
			AsyncTaskProperties.Redis redis = properties.getRedis();
			String nodeId = (redis.getNodeId() != null) ? redis.getNodeId() : RedisTransportSettings.defaultNodeId();
			RedisTransportSettings settings = new RedisTransportSettings(redis.getKeyPrefix(), nodeId,
					redis.isConsume(), redis.getClaimIdle(), redis.getMaxDeliveries(), redis.getBatchSize(),
					redis.getMaxPayloadBytes(), redis.getMaxBacklog(), properties.getQueueCapacity(),
					properties.getWhenFull(), properties.getBlockTimeout());
			JsonMapper mapper = jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
			return new RedisTransport(settings, factory, new JsonCodec(mapper), registry,
					runner, pool);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("org.springframework.data.redis.connection.RedisConnectionFactory")
	static final class MissingRedisConfiguration {

		@Bean
		TaskTransport asyncTaskTransport() {
			throw new RedisTransportUnavailableException("Spring Data Redis is not on the class path");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("tools.jackson.databind.json.JsonMapper")
	static final class MissingJacksonConfiguration {

		@Bean
		TaskTransport asyncTaskTransportWithoutJackson() {
			throw new RedisTransportUnavailableException("Jackson 3 (tools.jackson.databind) is not on the class path");
		}

	}

}
