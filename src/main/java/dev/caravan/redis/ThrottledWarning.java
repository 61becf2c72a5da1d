package dev.caravan.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * A warning logged at most once per interval, with how many were left out since the last one: Redis trouble
 * fails every request that touches it, and one line per request would flood the log.
 */
public final class ThrottledWarning {

    private final Logger log;
    private final String message;
    private final long intervalNanos;
    private final AtomicLong next = new AtomicLong(System.nanoTime());
    private final AtomicLong unlogged = new AtomicLong();

    /** @param message an SLF4J pattern with one {@code {}} for the reason */
    public ThrottledWarning(Logger log, String message, Duration interval) {
        this.log = log;
        this.message = message;
        this.intervalNanos = interval.toNanos();
    }

    /** Logs {@code why} unless a warning went out less than the interval ago; then only counts it. */
    public void warn(String why) {
        long now = System.nanoTime();
        long due = next.get();
        if (now - due >= 0 && next.compareAndSet(due, now + intervalNanos)) {
            long more = unlogged.getAndSet(0);
            log.warn(message + "{}", why, more > 0 ? " (" + more + " more since the last warning)" : "");
        } else {
            unlogged.incrementAndGet();
        }
    }
}
