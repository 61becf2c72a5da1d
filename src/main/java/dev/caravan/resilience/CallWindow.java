package dev.caravan.resilience;

import java.util.Arrays;

/**
 * The latest {@link #SIZE} calls of one provider, in preallocated rings: whether each succeeded, its time to first
 * byte (a stream's first event) and its total time. Recording a call writes three array slots under an
 * uncontended lock (calls of a provider mostly come from one event loop): nothing is allocated per call. Reading
 * (for {@code /health/detailed}) copies and sorts the rings: the cost is paid by the admin who asks.
 */
final class CallWindow {

    static final int SIZE = 256;

    private final boolean[] succeeded = new boolean[SIZE];
    private final long[] firstByteNanos = new long[SIZE];
    private final long[] totalNanos = new long[SIZE];
    private int calls;
    private int totals;
    private volatile String lastError;
    private volatile long lastErrorAtMillis;

    synchronized void success(long firstByte) {
        int slot = calls++ % SIZE;
        succeeded[slot] = true;
        firstByteNanos[slot] = firstByte;
    }

    synchronized void failure(String reason, long atMillis) {
        int slot = calls++ % SIZE;
        succeeded[slot] = false;
        firstByteNanos[slot] = -1;
        lastError = reason;
        lastErrorAtMillis = atMillis;
    }

    /** The whole call, once its answer (a stream: its last event) went out. */
    synchronized void total(long nanos) {
        totalNanos[totals++ % SIZE] = nanos;
    }

    RecentCalls snapshot() {
        boolean[] ok;
        long[] firstBytes;
        long[] wholes;
        int seen;
        synchronized (this) {
            seen = Math.min(calls, SIZE);
            ok = Arrays.copyOf(succeeded, seen);
            firstBytes = Arrays.copyOf(firstByteNanos, seen);
            wholes = Arrays.copyOf(totalNanos, Math.min(totals, SIZE));
        }
        int successes = 0;
        long[] answered = new long[seen];
        for (int i = 0; i < seen; i++) {
            if (ok[i]) {
                answered[successes++] = firstBytes[i];
            }
        }
        long[] ttfb = Arrays.copyOf(answered, successes);
        Arrays.sort(ttfb);
        Arrays.sort(wholes);
        return new RecentCalls(seen, successes, percentile(ttfb, 50), percentile(ttfb, 95), percentile(wholes, 50),
                percentile(wholes, 95), lastError, lastErrorAtMillis);
    }

    /** Nearest-rank percentile in milliseconds, or -1 without samples. */
    static double percentile(long[] sortedNanos, int percent) {
        if (sortedNanos.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sortedNanos.length);
        return sortedNanos[Math.max(0, rank - 1)] / 1_000_000.0;
    }
}
