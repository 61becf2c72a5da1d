package dev.caravan.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caravan's one connection to Redis, shared by every request (Lettuce pipelines the commands of all of them on
 * it). It never makes a request wait for Redis to be reachable: before the first connect has succeeded, or
 * while Lettuce reconnects, {@link #async()} answers null or commands fail at once (they are rejected, not
 * queued), and the caller treats that as Redis being unavailable. A connect is retried on use, at most once per
 * retry interval (a refused connect fails at once: retrying on every request would be a connect storm), so a
 * gateway started while Redis was down needs no restart once it is back. The first failure is logged as a
 * warning, the retries that fail after it only at debug level, and the connect that succeeds at last at info.
 */
public final class RedisConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);

    private final RedisClient client;
    private final RedisURI uri;
    private final long retryIntervalNanos;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile long nextAttemptNanos = System.nanoTime();
    private volatile boolean failedBefore;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile boolean closed;

    RedisConnection(RedisClient client, RedisURI uri, Duration retryInterval) {
        this.client = client;
        this.uri = uri;
        this.retryIntervalNanos = retryInterval.toNanos();
    }

    /**
     * The asynchronous commands, or null while no connection exists yet (one is then being made). Their futures
     * complete on Lettuce's I/O threads: a caller on a Vert.x event loop goes back to its context to continue.
     */
    public RedisAsyncCommands<byte[], byte[]> async() {
        StatefulRedisConnection<byte[], byte[]> current = connection;
        if (current != null) {
            return current.async();
        }
        connect();
        return null;
    }

    /** Starts a connect unless one is under way or the last one failed less than the retry interval ago. */
    CompletableFuture<Void> connect() {
        return connect(false);
    }

    /**
     * Connects at start: a few attempts in a row, each awaited, so that a Redis slow to accept on a loaded machine
     * does not leave the first calls without it (they would fail open, or miss the cache, until the next retry).
     */
    void connectAtStart(int tries, long waitMillis) {
        for (int i = 0; i < tries && !closed && connection == null; i++) {
            try {
                connect(true).get(waitMillis, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // logged by connect(); requests retry it
            }
        }
    }

    private CompletableFuture<Void> connect(boolean now) {
        if (closed || connection != null || !now && System.nanoTime() - nextAttemptNanos < 0
                || !connecting.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        attempts.incrementAndGet();
        return client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture().handle((made, failure) -> {
            if (failure != null) {
                nextAttemptNanos = System.nanoTime() + retryIntervalNanos;
                if (failedBefore) {
                    LOG.debug("Redis at {} is still not reachable: {}", redacted(uri), failure.getMessage());
                } else {
                    failedBefore = true;
                    LOG.warn("Redis at {} is not reachable: {}; retrying at most every {} ms while in use",
                            redacted(uri), failure.getMessage(), retryIntervalNanos / 1_000_000);
                }
            } else if (closed) {
                made.closeAsync();
            } else {
                connection = made;
                LOG.info("connected to Redis at {}", redacted(uri));
            }
            connecting.set(false);
            return null;
        });
    }

    /** How many connects were started (tests). */
    int attempts() {
        return attempts.get();
    }

    /** Whether a connection exists (it may be reconnecting). */
    public boolean connected() {
        StatefulRedisConnection<byte[], byte[]> current = connection;
        return current != null && current.isOpen();
    }

    @Override
    public void close() {
        closed = true;
        StatefulRedisConnection<byte[], byte[]> current = connection;
        if (current != null) {
            current.close();
        }
    }

    /** host:port only: a URL may carry a password. */
    static String redacted(RedisURI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }
}
