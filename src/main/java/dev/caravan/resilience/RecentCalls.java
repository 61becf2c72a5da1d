package dev.caravan.resilience;

/**
 * What {@link ProviderHealth} saw of one provider's latest calls; times in milliseconds, -1 without samples.
 *
 * @param calls         calls in the window
 * @param successes     of which answered (an answer or a business error, not a technical failure)
 * @param lastError     a redacted reason, null when none failed since start
 */
public record RecentCalls(int calls, int successes, double firstByteP50Millis, double firstByteP95Millis,
                double totalP50Millis, double totalP95Millis, String lastError, long lastErrorAtMillis) {

    /** Successes over calls, or -1 without calls. */
    public double successRate() {
        return calls == 0 ? -1 : (double) successes / calls;
    }
}
