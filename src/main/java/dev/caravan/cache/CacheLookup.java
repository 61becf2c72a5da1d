package dev.caravan.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

import dev.caravan.redis.RedisConnection;
import dev.caravan.redis.ThrottledWarning;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every cache step shares: the one asynchronous GET on Caravan's Redis connection, the store, and the
 * counters ({@code caravan_cache_requests_total{result}}). A Redis that is down or slow is a miss, never a failed
 * request: a GET fails at once while disconnected and after {@code caravan.redis.timeout} otherwise; it is logged
 * at most once a minute.
 */
final class CacheLookup {

    private static final Logger LOG = LoggerFactory.getLogger(CacheLookup.class);

    private final RedisConnection redis;
    private final CacheStore store;
    private final Counter hits;
    private final Counter misses;
    private final Counter bypasses;
    private final Counter failures;
    private final ThrottledWarning warning = new ThrottledWarning(LOG,
            "response cache: Redis lookup failed, answered as a miss: {}", Duration.ofMinutes(1));

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
        warning.warn(why);
    }
}
