package dev.caravan.cache;

import dev.caravan.redis.RedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the {@code cache:} component (Camel finds components in the registry by bean name). */
@Configuration(proxyBeanMethods = false)
public class CacheConfiguration {

    @Bean(name = "cache")
    public CacheComponent cacheComponent(RedisConnection redis, MeterRegistry meters) {
        return new CacheComponent(new CacheLookup(redis, new CacheStore(redis, meters), meters));
    }
}
