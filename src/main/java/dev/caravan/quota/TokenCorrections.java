package dev.caravan.quota;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The token corrections of finished calls, summed per token bucket and sent together a few times a second: one
 * script per user per {@code interval} instead of one per call, so a call's real usage costs a map update on its
 * thread, not a Redis command. Summing is exact for the limits: giving back 10 tokens twice moves a bucket as far
 * as giving back 20 once. A correction waits at most {@code interval} (100 ms); what is pending is sent on stop.
 *
 * <p>The buckets of one user share a Redis Cluster hash tag ({@code {<user id>}}, see {@link Bucket}), so each
 * user's corrections go in one script of their own.
 */
final class TokenCorrections implements AutoCloseable {

    /** A bucket's pending correction: its limit (the latest seen) and the tokens to add (negative gives back). */
    record Pending(long perMinute, long tokens) {

        Pending plus(Pending later) {
            return new Pending(later.perMinute, tokens + later.tokens);
        }
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Function<List<Bucket>, CompletionStage<?>> send;
    private final ScheduledExecutorService timer;

    /**
     * @param send runs one user's corrections (buckets whose {@link Bucket#cost()} is the tokens to add); its
     *             reply, or null when Redis could not be asked
     */
    TokenCorrections(Duration interval, Function<List<Bucket>, CompletionStage<?>> send) {
        this.send = send;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "quota-corrections");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(1, interval.toMillis());
        timer.scheduleWithFixedDelay(() -> {
            try {
                flush();
            } catch (RuntimeException e) {
                // a failed send warns in it; the timer must go on with the next corrections
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Adds {@code tokens} to each of {@code buckets} with the next flush. */
    void add(List<Bucket> buckets, long tokens) {
        if (tokens == 0) {
            return;
        }
        for (Bucket bucket : buckets) {
            pending.merge(bucket.key(), new Pending(bucket.perMinute(), tokens), Pending::plus);
        }
    }

    /**
     * Sends what is pending, one script per user; a correction added meanwhile waits for the next flush. Completes
     * when Redis answered them all.
     */
    CompletableFuture<Void> flush() {
        Map<String, List<Bucket>> byUser = new HashMap<>();
        for (String key : pending.keySet()) {
            Pending taken = pending.remove(key);
            if (taken != null && taken.tokens() != 0) {
                byUser.computeIfAbsent(hashTag(key), tag -> new ArrayList<>())
                        .add(new Bucket(null, key, taken.perMinute(), taken.tokens()));
            }
        }
        List<CompletableFuture<?>> replies = new ArrayList<>(byUser.size());
        for (List<Bucket> buckets : byUser.values()) {
            CompletionStage<?> reply = send.apply(buckets);
            if (reply != null) {
                replies.add(reply.toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new));
    }

    /** Pending corrections (tests). */
    int pending() {
        return pending.size();
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the last corrections, awaited briefly: the Redis connection closes after this
        flush().orTimeout(1, TimeUnit.SECONDS).exceptionally(failure -> null).join();
    }

    private static String hashTag(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open);
        return close < 0 ? key : key.substring(open, close + 1);
    }
}
