package dev.caravan.resilience;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retries of one provider before the failover moves on: at most {@code retries} more tries, each after an
 * exponential backoff with full jitter (a random wait between 0 and {@code min(maxDelay, baseDelay * 2^n)}, so
 * that many calls failing together do not come back together). A provider's {@code Retry-After} is honoured
 * when it is within {@code retryAfterCap}; one asking for longer is not retried (the next provider is tried).
 *
 * @param retries        more tries after the first, 0 = none
 * @param baseDelayMillis the backoff bound of the first retry
 * @param maxDelayMillis  the largest backoff bound
 * @param retryAfterCapMillis the longest {@code Retry-After} waited for
 */
public record RetryPolicy(int retries, long baseDelayMillis, long maxDelayMillis, long retryAfterCapMillis) {

    public static final RetryPolicy NONE = new RetryPolicy(0, 100, 2000, 5000);

    /** Returned by {@link #delayMillis} when the provider should not be tried again. */
    public static final long NO_RETRY = -1;

    public RetryPolicy {
        if (retries < 0 || baseDelayMillis < 0 || maxDelayMillis < 0 || retryAfterCapMillis < 0) {
            throw new IllegalArgumentException("retry settings must not be negative");
        }
    }

    /**
     * The wait before retry number {@code retry} (1 for the first), or {@link #NO_RETRY}.
     *
     * @param retryAfter what the failed answer asked for, if anything
     * @param remainingMillis what is left of the request's total deadline ({@link Long#MAX_VALUE}: none): a retry
     *                        that could not start before it is not made
     */
    public long delayMillis(int retry, Optional<Duration> retryAfter, long remainingMillis) {
        if (retry > retries) {
            return NO_RETRY;
        }
        long bound = Math.min(maxDelayMillis, baseDelayMillis << Math.min(retry - 1, 30));
        long delay = bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1);
        if (retryAfter.isPresent()) {
            long asked = retryAfter.get().toMillis();
            if (asked > retryAfterCapMillis) {
                return NO_RETRY;
            }
            delay = Math.max(delay, asked);
        }
        return delay < remainingMillis ? delay : NO_RETRY;
    }
}
