package dev.caravan.alerts;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Each profile's calls and failures over a sliding window, in ten slots of a tenth of the window each (so memory
 * is ten pairs of counters per profile, whatever the traffic). Fed with settled calls by one thread at a time
 * (the settled-calls route), off every request's path.
 */
final class ErrorRateWatch {

    private static final int SLOTS = 10;

    /** A profile's error rate at the moment it was found over the threshold. */
    record Breach(String profile, long calls, long errors, double rate) {
    }

    private final double threshold;
    private final int minCalls;
    private final long slotMillis;
    private final Clock clock;
    private final Map<String, long[][]> profiles = new HashMap<>();

    ErrorRateWatch(double threshold, int minCalls, Duration window, Clock clock) {
        this.threshold = threshold;
        this.minCalls = minCalls;
        this.slotMillis = Math.max(1, window.toMillis() / SLOTS);
        this.clock = clock;
    }

    /** Counts a call of {@code profile}; returns the breach when the window is now over the threshold, else null. */
    synchronized Breach record(String profile, boolean failed) {
        long slot = clock.millis() / slotMillis;
        // per slot: {slot number, calls, errors}
        long[][] slots = profiles.computeIfAbsent(profile, p -> new long[SLOTS][3]);
        long[] current = slots[(int) (slot % SLOTS)];
        if (current[0] != slot) {
            current[0] = slot;
            current[1] = 0;
            current[2] = 0;
        }
        current[1]++;
        if (failed) {
            current[2]++;
        }
        long calls = 0;
        long errors = 0;
        for (long[] counts : slots) {
            if (counts[0] > slot - SLOTS) {
                calls += counts[1];
                errors += counts[2];
            }
        }
        double rate = calls == 0 ? 0 : (double) errors / calls;
        return failed && calls >= minCalls && rate >= threshold ? new Breach(profile, calls, errors, rate) : null;
    }
}
