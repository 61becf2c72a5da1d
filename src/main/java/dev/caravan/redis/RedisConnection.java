package dev.caravan.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.netty.util.concurrent.EventExecutor;

/**
 * Caravan's connections to Redis: one per Vert.x event loop, whose socket is served by that very loop, and one
 * for every other thread. A command sent from an event loop is written on its own loop's connection and its reply
 * is read there, so a Redis call costs no hand-over between threads: no wake-up of another I/O thread per command
 * (measured at about a tenth of the gateway's CPU at 64 concurrent calls with one shared connection, whose own
 * I/O thread had to be woken for each write), and the reply is handled on the thread that goes on with the
 * request. Lettuce pipelines the commands of all the requests of a loop on its connection.
 *
 * <p>It never makes a request wait for Redis to be reachable: before a connection's first connect has succeeded,
 * or while Lettuce reconnects it, {@link #async()} answers null or commands fail at once (they are rejected, not
 * queued), and the caller treats that as Redis being unavailable (see {@link RedisLink}).
 */
public final class RedisConnection implements AutoCloseable {

    /** An event loop, the connection it serves, and the client and resources that made it. */
    record LoopLink(EventExecutor loop, RedisLink link, RedisClient client, ClientResources resources) {
    }

    private final LoopLink[] loops;
    private final RedisLink shared;

    /** {@code loops} may be empty: every thread then uses {@code shared}. */
    RedisConnection(RedisLink shared, List<LoopLink> loops) {
        this.shared = shared;
        this.loops = loops.toArray(LoopLink[]::new);
    }

    /**
     * The asynchronous commands of the calling thread's connection, or null while it has none yet (one is then
     * being made). Their futures complete on that connection's I/O thread: on an event loop, the caller's own.
     */
    public RedisAsyncCommands<byte[], byte[]> async() {
        for (LoopLink loop : loops) {
            if (loop.loop().inEventLoop()) {
                return loop.link().async();
            }
        }
        return shared.async();
    }

    /** Whether the connection of threads other than the event loops exists (it may be reconnecting). */
    public boolean connected() {
        return shared.connected();
    }

    /**
     * Connects every connection at start, all at once, a few times in a row, each awaited up to
     * {@code waitMillis}, so that a Redis slow to accept on a loaded machine does not leave the first calls
     * without it (they would fail open, or miss the cache, until a retry). A failure is not fatal: requests retry.
     */
    void connectAtStart(int tries, long waitMillis) {
        for (int i = 0; i < tries; i++) {
            List<CompletableFuture<Void>> connects = new ArrayList<>();
            for (RedisLink link : links()) {
                if (!link.connected()) {
                    connects.add(link.connect(true, i == tries - 1));
                }
            }
            if (connects.isEmpty()) {
                return;
            }
            try {
                CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(waitMillis, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // logged by the links; requests retry them
            }
        }
    }

    private List<RedisLink> links() {
        List<RedisLink> links = new ArrayList<>(loops.length + 1);
        links.add(shared);
        for (LoopLink loop : loops) {
            links.add(loop.link());
        }
        return links;
    }

    @Override
    public void close() {
        shared.close();
        for (LoopLink loop : loops) {
            loop.link().close();
            // its client's resources lend it the event loop and share the computation threads: shutting it
            // down stops neither (see RedisConfiguration)
            loop.client().shutdown();
            loop.resources().shutdown();
        }
    }
}
