package dev.caravan.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.caravan.redis.RedisConnection;
import dev.caravan.redis.ThrottledWarning;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores answers in the response cache: one asynchronous {@code SETEX} (key, bytes, TTL in seconds) on the calling
 * thread's Redis connection, the event loop's own when the call finished there, so keeping an answer costs one
 * pipelined command and no hand-over to another thread. Nobody waits for it: a write that fails (Redis down or
 * slow) is dropped, counted and logged at most once a minute; the next request for it is a miss and stores it
 * again. Counted in {@code caravan_cache_stores_total{result}}.
 */
final class CacheStore {

    private static final Logger LOG = LoggerFactory.getLogger(CacheStore.class);

    private final RedisConnection redis;
    private final Counter stored;
    private final Counter failed;
    private final Counter tooLarge;
    private final ThrottledWarning warning = new ThrottledWarning(LOG,
            "response cache: an answer could not be stored in Redis: {}", Duration.ofMinutes(1));

    CacheStore(RedisConnection redis, MeterRegistry meters) {
        this.redis = redis;
        this.stored = counter(meters, "stored");
        this.failed = counter(meters, "failed");
        this.tooLarge = counter(meters, "too_large");
    }

    private static Counter counter(MeterRegistry meters, String result) {
        return Counter.builder("caravan.cache.stores").tag("result", result)
                .description("Answers for the response cache: stored, failed (Redis down or slow), too_large")
                .register(meters);
    }

    /** Stores {@code entry} under {@code key} for {@code ttlSeconds}; returns at once. */
    void put(String key, CacheEntry entry, long ttlSeconds) {
        RedisAsyncCommands<byte[], byte[]> commands = redis.async();
        if (commands == null) {
            fail("Redis is not connected");
            return;
        }
        try {
            commands.setex(key.getBytes(StandardCharsets.UTF_8), ttlSeconds, entry.encode())
                    .whenComplete((ok, failure) -> {
                        if (failure != null) {
                            fail(failure.getClass().getSimpleName());
                        } else {
                            stored.increment();
                        }
                    });
        } catch (RuntimeException e) {
            fail(e.getClass().getSimpleName());
        }
    }

    void tooLarge() {
        tooLarge.increment();
    }

    private void fail(String why) {
        failed.increment();
        warning.warn(why);
    }
}
