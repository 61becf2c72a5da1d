package dev.caravan.quota;

import java.util.concurrent.Executor;

import dev.caravan.redis.RedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the {@code quota:} component (Camel finds components in the registry by bean name). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(QuotaProperties.class)
public class QuotaConfiguration {

    /** Spring closes it after Camel stopped, before the Redis connection: the last token corrections are sent. */
    @Bean
    Quotas quotas(QuotaProperties properties, RedisConnection redis, MeterRegistry meters) {
        return new Quotas(properties, redis, meters);
    }

    /** @param counting where a long prompt is counted for a token limit: off the event loop */
    @Bean(name = "quota")
    public QuotaComponent quotaComponent(Quotas quotas, @Qualifier("requestExecutor") Executor counting) {
        return new QuotaComponent(quotas, counting);
    }
}
