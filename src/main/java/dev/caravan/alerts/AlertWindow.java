package dev.caravan.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * De-duplicates and rate-limits alerts: the first event of a cause about a subject passes, and further ones pass
 * again only once {@code window} has gone by since the last one that passed. One map entry per cause and subject
 * seen, pruned of entries older than a window as it grows, so a storm of distinct subjects cannot fill the heap.
 */
final class AlertWindow {

    private static final int PRUNE_ABOVE = 10_000;

    private final Duration window;
    private final Clock clock;
    private final ConcurrentMap<String, Instant> lastPassed = new ConcurrentHashMap<>();

    AlertWindow(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /** True for the first event of its cause and subject in the window (it is then remembered as passed). */
    boolean admit(AlertEvent event) {
        Instant now = clock.instant();
        String key = event.cause() + '\u0000' + event.subject();
        boolean[] admitted = {false};
        lastPassed.compute(key, (k, last) -> {
            if (last == null || !now.isBefore(last.plus(window))) {
                admitted[0] = true;
                return now;
            }
            return last;
        });
        if (admitted[0] && lastPassed.size() > PRUNE_ABOVE) {
            Instant oldest = now.minus(window);
            lastPassed.values().removeIf(passed -> passed.isBefore(oldest));
        }
        return admitted[0];
    }
}
