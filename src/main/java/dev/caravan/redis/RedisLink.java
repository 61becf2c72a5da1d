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
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lettuce connection to Redis and its reconnect policy (see {@link RedisConnection}, which keeps one per
 * Vert.x event loop and one for other threads). It never makes a request wait for Redis to be reachable: before
 * the first connect has succeeded, or while Lettuce reconnects, {@link #async()} answers null or commands fail at
 * once (they are rejected, not queued), and the caller treats that as Redis being unavailable. A connect is retried on use, at most once per
 * retry interval (a refused connect fails at once: retrying on every request would be a connect storm), so a
 * gateway started while Redis was down needs no restart once it is back. The first failure is logged as a
 * warning, the retries that fail after it only at debug level, and the connect that succeeds at last at info.
 */
final class RedisLink implements AutoCloseable {

    // logged as the connection as a whole: operators look for one logger, whichever link it was
    private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);

    private final RedisClient client;
    private final RedisURI uri;
    private final long retryIntervalNanos;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile long nextAttemptNanos = System.nanoTime();
    private volatile boolean failedBefore;
    private final boolean quiet;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile boolean closed;
    /** The event loop this link's socket lives on and that alone uses it, or null: flushed on every command. */
    private final EventExecutor loop;
    /** A flush of this loop's buffered commands is queued behind the loop's current work (loop thread only). */
    private boolean flushQueued;
    private final Runnable flush = this::flush;

    /** {@code quiet}: its connects and failures are logged at debug level only (another link reports them). */
    RedisLink(RedisClient client, RedisURI uri, Duration retryInterval, boolean quiet) {
        this(client, uri, retryInterval, quiet, null);
    }

    /**
     * A link used by {@code loop} alone, whose socket that loop serves. Its commands are not written one by one:
     * they are buffered and flushed once the loop has finished what it is doing, so the commands of every request
     * the loop handled in one turn (a quota script and a cache GET, or the calls of many clients) leave in one
     * write. The caller must be on {@code loop} (see {@link RedisConnection#async()}).
     */
    RedisLink(RedisClient client, RedisURI uri, Duration retryInterval, boolean quiet, EventExecutor loop) {
        this.loop = loop;
        this.quiet = quiet;
        this.client = client;
        this.uri = uri;
        this.retryIntervalNanos = retryInterval.toNanos();
    }

    /**
     * The asynchronous commands, or null while no connection exists yet (one is then being made). Their futures
     * complete on the connection's I/O thread.
     */
    RedisAsyncCommands<byte[], byte[]> async() {
        StatefulRedisConnection<byte[], byte[]> current = connection;
        if (current == null) {
            connect();
            return null;
        }
        if (loop != null && !flushQueued) {
            // runs after the caller's command was buffered, and after the rest of this turn of the loop
            flushQueued = true;
            loop.execute(flush);
        }
        return current.async();
    }

    private void flush() {
        flushQueued = false;
        StatefulRedisConnection<byte[], byte[]> current = connection;
        if (current != null) {
            current.flushCommands();
        }
    }

    /** Starts a connect unless one is under way or the last one failed less than the retry interval ago. */
    CompletableFuture<Void> connect() {
        return connect(false, true);
    }

    /**
     * @param now    even if the last connect failed less than the retry interval ago
     * @param report whether a failure is worth a warning (not a start attempt that will be tried again)
     */
    CompletableFuture<Void> connect(boolean now, boolean report) {
        if (closed || connection != null || !now && System.nanoTime() - nextAttemptNanos < 0
                || !connecting.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        attempts.incrementAndGet();
        // started on a pool thread: Lettuce resolves the host name on the calling thread, which may be an event loop
        return CompletableFuture.supplyAsync(() -> client.connectAsync(ByteArrayCodec.INSTANCE, uri))
                .thenCompose(connect -> connect.toCompletableFuture()).handle((made, failure) -> {
            if (failure != null) {
                nextAttemptNanos = System.nanoTime() + retryIntervalNanos;
                if (failedBefore || quiet || !report) {
                    LOG.debug("Redis at {} is still not reachable: {}", redacted(uri), failure.getMessage());
                } else {
                    failedBefore = true;
                    LOG.warn("Redis at {} is not reachable: {}; retrying at most every {} ms while in use",
                            redacted(uri), failure.getMessage(), retryIntervalNanos / 1_000_000);
                }
            } else if (closed) {
                made.closeAsync();
            } else {
                if (loop != null) {
                    made.setAutoFlushCommands(false);
                }
                connection = made;
                if (quiet) {
                    LOG.debug("connected to Redis at {}", redacted(uri));
                } else {
                    LOG.info("connected to Redis at {}", redacted(uri));
                }
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
    boolean connected() {
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
