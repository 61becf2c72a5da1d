package dev.caravan.cache;


import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.component.redis.RedisConstants;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Hands answers to be cached to the store route ({@link CacheStoreRoutes#QUEUE}): the request's thread only queues
 * the entry (never waiting: a full queue drops it, the cache is an optimisation), and the route writes it to Redis
 * with a TTL. Counted in {@code caravan_cache_stores_total{result}}.
 */
final class CacheStore {

    private final CamelContext camel;
    private final Counter queued;
    private final Counter dropped;
    private final Counter tooLarge;
    private volatile AsyncProducer queue;

    CacheStore(CamelContext camel, MeterRegistry meters) {
        this.camel = camel;
        this.queued = counter(meters, "queued");
        this.dropped = counter(meters, "dropped");
        this.tooLarge = counter(meters, "too_large");
    }

    static Counter counter(MeterRegistry meters, String result) {
        return Counter.builder("caravan.cache.stores").tag("result", result)
                .description("Answers for the response cache: queued, dropped (queue full), too_large, stored, failed")
                .register(meters);
    }

    /** Queues {@code entry} to be stored under {@code key} for {@code ttlSeconds}; returns at once. */
    void put(String key, CacheEntry entry, long ttlSeconds) {
        Exchange store = new DefaultExchange(camel, ExchangePattern.InOnly);
        store.getMessage().setHeader(RedisConstants.KEY, key);
        store.getMessage().setHeader(RedisConstants.VALUE, entry.encode());
        store.getMessage().setHeader(RedisConstants.TIMEOUT, ttlSeconds);
        try {
            queue().process(store, doneSync -> {
                if (store.getException() != null) {
                    dropped.increment();
                } else {
                    queued.increment();
                }
            });
        } catch (Exception e) {
            dropped.increment();
        }
    }

    void tooLarge() {
        tooLarge.increment();
    }

    private AsyncProducer queue() throws Exception {
        AsyncProducer producer = queue;
        if (producer == null) {
            synchronized (this) {
                producer = queue;
                if (producer == null) {
                    producer = camel.getEndpoint(CacheStoreRoutes.QUEUE).createAsyncProducer();
                    ServiceHelper.startService(producer);
                    queue = producer;
                }
            }
        }
        return producer;
    }

}
