package dev.caravan.cache;

import java.time.Duration;

import dev.caravan.redis.RedisServerAddress;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * The Spring Data side that camel-spring-redis needs for the store route: a {@code RedisTemplate} with string keys
 * and byte-array values, on a Lettuce connection factory pointed at Caravan's Redis ({@link RedisServerAddress}).
 *
 * <p>The connection factory is this package's own and deliberately not a {@code RedisConnectionFactory} bean: the
 * Redis package is to provide the gateway's one such bean; until it does, this keeps the cache from claiming that
 * role (and Spring Boot's own Redis auto-configuration from backing off for it). With that bean in place,
 * {@link #cacheRedisTemplate} can take it instead and {@link StoreConnection} goes.
 */
@Configuration(proxyBeanMethods = false)
public class CacheStoreRedisConfiguration {

    /** The template's bean name, as the store route refers to it ({@code redisTemplate=#cacheRedisTemplate}). */
    static final String TEMPLATE = "cacheRedisTemplate";

    /** The store route's connection factory, started and closed with the application context. */
    record StoreConnection(LettuceConnectionFactory factory) implements AutoCloseable {

        @Override
        public void close() {
            factory.destroy();
        }
    }

    @Bean(destroyMethod = "close")
    StoreConnection cacheStoreConnection(RedisServerAddress address) {
        RedisURI uri = RedisURI.create(address.url());
        LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
                // a store runs in the background: it may take longer than a lookup, but never hangs the queue
                .commandTimeout(Duration.ofSeconds(1))
                .clientOptions(ClientOptions.builder()
                        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build())
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        if (uri.isSsl()) {
            client.useSsl();
        }
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                LettuceConnectionFactory.createRedisConfiguration(uri), client.build());
        factory.afterPropertiesSet();
        factory.start();
        return new StoreConnection(factory);
    }

    @Bean(name = TEMPLATE)
    RedisTemplate<String, byte[]> cacheRedisTemplate(StoreConnection connection) {
        RedisTemplate<String, byte[]> template = new RedisTemplate<>();
        template.setConnectionFactory(connection.factory());
        template.setKeySerializer(RedisSerializer.string());
        template.setValueSerializer(RedisSerializer.byteArray());
        template.setEnableDefaultSerializer(false);
        template.afterPropertiesSet();
        return template;
    }
}
