package dev.caravan.redis;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.api.async.RedisAsyncCommands;
import org.springframework.stereotype.Component;

/**
 * Whether Redis answers, for {@code /health}: one PING on the shared connection, timed. It is a detail of
 * {@code /health}, never part of readiness: quotas fail open and the cache misses while Redis is away, so a
 * replica without Redis still serves and must not be taken out of its load balancer.
 */
@Component
public class RedisHealth {

    /**
     * @param up          whether a PING was answered within the command timeout
     * @param embedded    whether it is the gateway's own embedded server
     * @param pingMillis  how long the PING took, null when it was not answered
     */
    public record Status(boolean up, boolean embedded, Double pingMillis) {
    }

    private final RedisConnection connection;
    private final RedisServerAddress address;
    private final Duration timeout;

    public RedisHealth(RedisConnection connection, RedisServerAddress address, RedisProperties properties) {
        this.connection = connection;
        this.address = address;
        this.timeout = properties.timeout();
    }

    /** Blocks the calling thread up to {@code caravan.redis.timeout}: call it from a worker, never an event loop. */
    public Status check() {
        RedisAsyncCommands<byte[], byte[]> commands = connection.async();
        if (commands == null) {
            return new Status(false, address.embedded(), null);
        }
        long start = System.nanoTime();
        try {
            // the command itself fails after the timeout; the wait's own bound only adds a margin to it
            commands.ping().get(timeout.toMillis() + 100, TimeUnit.MILLISECONDS);
            return new Status(true, address.embedded(), (System.nanoTime() - start) / 1_000_000.0);
        } catch (ExecutionException | TimeoutException e) {
            return new Status(false, address.embedded(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Status(false, address.embedded(), null);
        }
    }
}
