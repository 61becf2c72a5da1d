package dev.caravan.redis;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Which Redis server Caravan uses: {@code caravan.redis.url}, or (empty) an embedded one. */
@Configuration(proxyBeanMethods = false)
public class RedisServerConfiguration {

    @Bean
    public RedisServerAddress redisServerAddress(RedisProperties properties) {
        if (properties.embedded()) {
            // TODO(embedded redis): replaced by the embedded server's bean in this session
            return new RedisServerAddress("redis://127.0.0.1:6379");
        }
        return new RedisServerAddress(properties.url());
    }
}
