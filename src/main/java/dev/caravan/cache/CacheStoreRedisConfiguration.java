package dev.caravan.cache;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * The Spring Data side that camel-spring-redis needs for the store route: a {@code RedisTemplate} with string keys
 * and byte-array values, on the gateway's one Spring Data connection factory (dev.caravan.redis), so the store
 * writes to the same Redis as the lookups read.
 */
@Configuration(proxyBeanMethods = false)
public class CacheStoreRedisConfiguration {

    /** The template's bean name, as the store route refers to it ({@code redisTemplate=#cacheRedisTemplate}). */
    static final String TEMPLATE = "cacheRedisTemplate";

    @Bean(name = TEMPLATE)
    RedisTemplate<String, byte[]> cacheRedisTemplate(RedisConnectionFactory redisConnectionFactory) {
        RedisTemplate<String, byte[]> template = new RedisTemplate<>();
        template.setConnectionFactory(redisConnectionFactory);
        template.setKeySerializer(RedisSerializer.string());
        template.setValueSerializer(RedisSerializer.byteArray());
        template.setEnableDefaultSerializer(false);
        template.afterPropertiesSet();
        return template;
    }
}
