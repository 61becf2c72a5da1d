package dev.caravan.upstream;

import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;

/**
 * A re-armable timeout on the current Vert.x context: fires when nothing {@link #touch touched} it for its
 * timeout. One timer per timeout period, not one per touch: a touch only records the time, and an early timer
 * re-schedules itself for what is left, so a stream of thousands of events costs a handful of timers.
 * Not thread-safe: used from one context.
 */
final class Watchdog {

    private final Vertx vertx;
    private final long timeoutNanos;
    private final Runnable onExpiry;
    private long lastTouch;
    private long timerId = -1;

    Watchdog(Vertx vertx, long timeoutNanos, Runnable onExpiry) {
        this.vertx = vertx;
        this.timeoutNanos = timeoutNanos;
        this.onExpiry = onExpiry;
    }

    /** Starts (or restarts) the full timeout from now. */
    void start() {
        lastTouch = System.nanoTime();
        if (timerId < 0) {
            schedule(timeoutNanos);
        }
    }

    /** Something happened: the timeout counts from now. */
    void touch() {
        lastTouch = System.nanoTime();
    }

    void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }

    private void schedule(long delayNanos) {
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos + 999_999));
        timerId = vertx.setTimer(millis, this::fire);
    }

    private void fire(long id) {
        if (id != timerId) {
            return;
        }
        timerId = -1;
        long quiet = System.nanoTime() - lastTouch;
        if (quiet >= timeoutNanos) {
            onExpiry.run();
        } else {
            schedule(timeoutNanos - quiet);
        }
    }
}
