package dev.caravan.cache;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.caravan.redis.RedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every cache step shares: the one asynchronous GET on Caravan's Redis connection, the store queue, and the
 * counters ({@code caravan_cache_requests_total{result}}). A Redis that is down or slow is a miss, never a failed
 * request: a GET fails at once while disconnected and after {@code caravan.redis.timeout} otherwise; it is logged
 * at most once a minute.
 */
final class CacheLookup {

    private static final Logger LOG = LoggerFactory.getLogger(CacheLookup.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final RedisConnection redis;
    private final CacheStore store;
    private final Counter hits;
    private final Counter misses;
    private final Counter bypasses;
    private final Counter failures;
    private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());
    private final AtomicLong unwarned = new AtomicLong();

    CacheLookup(RedisConnection redis, CacheStore store, MeterRegistry meters) {
        this.redis = redis;
        this.store = store;
        this.hits = counter(meters, "hit");
        this.misses = counter(meters, "miss");
        this.bypasses = counter(meters, "bypass");
        this.failures = counter(meters, "redis_error");
    }

    private static Counter counter(MeterRegistry meters, String result) {
        return Counter.builder("caravan.cache.requests").tag("result", result)
                .description("Chat completions through a profile's cache step, by how the cache answered")
                .register(meters);
    }

    /** The entry under {@code key} (null when there is none), or a failure; null when Redis is not connected. */
    CompletionStage<byte[]> get(String key) {
        RedisAsyncCommands<byte[], byte[]> commands = redis.async();
        if (commands == null) {
            return null;
        }
        return commands.get(key.getBytes(StandardCharsets.UTF_8));
    }

    CacheStore store() {
        return store;
    }

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    void bypass() {
        bypasses.increment();
    }

    /** Redis did not answer: counted, and logged at most once a minute (without the key: it names a user). */
    void failed(String why) {
        failures.increment();
        long now = System.nanoTime();
        long next = nextWarning.get();
        if (now - next >= 0 && nextWarning.compareAndSet(next, now + WARN_EVERY_NANOS)) {
            long more = unwarned.getAndSet(0);
            LOG.warn("response cache: Redis lookup failed, answered as a miss: {}{}", why,
                    more > 0 ? " (" + more + " more since the last warning)" : "");
        } else {
            unwarned.incrementAndGet();
        }
    }
}
