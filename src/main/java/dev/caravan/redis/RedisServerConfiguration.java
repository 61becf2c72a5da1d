package dev.caravan.redis;

import java.nio.file.Path;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Which Redis server Caravan uses: {@code caravan.redis.url}, or (empty) an {@link EmbeddedRedis} it starts. The
 * embedded server is a bean that everything talking to Redis depends on (through {@link RedisServerAddress}), so
 * Spring stops it after them.
 */
@Configuration(proxyBeanMethods = false)
public class RedisServerConfiguration {

    @Bean(destroyMethod = "close")
    public EmbeddedRedisServer embeddedRedisServer(RedisProperties properties) {
        if (!properties.embedded()) {
            return new EmbeddedRedisServer(null);
        }
        return new EmbeddedRedisServer(EmbeddedRedis.start(Path.of(properties.embeddedDataDir()),
                properties.embeddedMaxMemory()));
    }

    @Bean
    public RedisServerAddress redisServerAddress(RedisProperties properties, EmbeddedRedisServer server) {
        return server.redis() != null
                ? new RedisServerAddress(server.redis().url(), true)
                : new RedisServerAddress(properties.url(), false);
    }

    /** The embedded server, or null when Caravan uses a configured one (a bean cannot be null). */
    public record EmbeddedRedisServer(EmbeddedRedis redis) implements AutoCloseable {

        @Override
        public void close() {
            if (redis != null) {
                redis.close();
            }
        }
    }
}
