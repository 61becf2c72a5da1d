package dev.caravan.cache;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.caravan.redis.RedisServerAddress;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The store side of the response cache, off every request's path: a seda queue of answers to keep, written to
 * Redis by camel-spring-redis with {@code SETEX} (key, bytes, TTL in seconds from the {@code CamelRedis.*}
 * headers the cache step set), through {@link CacheStoreRedisConfiguration#TEMPLATE}. The queue is bounded
 * ({@link #QUEUE}: 1,000 entries) and never makes a request wait; a write that fails (Redis down) is dropped,
 * counted and logged at most once a minute: the next request for it is a miss and stores it again.
 */
@Component
public class CacheStoreRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(CacheStoreRoutes.class);

    /** Producer and consumer use this same URI, so they share one endpoint and its queue size. */
    static final String QUEUE = "seda:cache-store?size=1000&concurrentConsumers=2";

    private final RedisServerAddress address;
    private final Counter stored;
    private final Counter failed;
    private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());

    public CacheStoreRoutes(RedisServerAddress address, MeterRegistry meters) {
        this.address = address;
        this.stored = CacheStore.counter(meters, "stored");
        this.failed = CacheStore.counter(meters, "failed");
    }

    @Override
    public void configure() {
        RedisURI server = RedisURI.create(address.url());
        from(QUEUE).routeId("cache-store")
                .onException(Exception.class).handled(true).process(exchange -> {
                    failed.increment();
                    warnRarely(exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Exception.class));
                }).end()
                // host:port only name the server in JMX and route dumps; the template holds the connection
                .to("spring-redis:" + server.getHost() + ":" + server.getPort() + "?redisTemplate=#"
                        + CacheStoreRedisConfiguration.TEMPLATE + "&command=SETEX")
                .process(exchange -> stored.increment());
    }

    private void warnRarely(Exception failure) {
        long now = System.nanoTime();
        long next = nextWarning.get();
        if (now - next >= 0 && nextWarning.compareAndSet(next, now + TimeUnit.MINUTES.toNanos(1))) {
            LOG.warn("response cache: an answer could not be stored in Redis: {}",
                    failure == null ? "unknown" : failure.getClass().getSimpleName() + ": " + failure.getMessage());
        }
    }
}
