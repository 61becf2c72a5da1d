package dev.caravan.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * queued), and the caller treats that as Redis being unavailable. A connect is retried on use, so a gateway
 * started while Redis was down needs no restart once it is back.
 */
public final class RedisConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);

    private final RedisClient client;
    private final RedisURI uri;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile boolean closed;

    RedisConnection(RedisClient client, RedisURI uri) {
        this.client = client;
        this.uri = uri;
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

    /** Starts a connect unless one is under way; returns at once. */
    CompletableFuture<Void> connect() {
        if (closed || connection != null || !connecting.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        return client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture().handle((made, failure) -> {
            connecting.set(false);
            if (failure != null) {
                LOG.warn("Redis at {} is not reachable: {}", redacted(uri), failure.getMessage());
            } else if (closed) {
                made.closeAsync();
            } else {
                connection = made;
                LOG.info("connected to Redis at {}", redacted(uri));
            }
            return null;
        });
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
