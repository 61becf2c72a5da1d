package dev.caravan.resilience;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The backoff of {@link RetryPolicy}: full jitter under a doubling bound, Retry-After up to its cap, the deadline. */
class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(3, 100, 300, 2000);

    @RepeatedTest(20)
    void backoffIsAFullJitterUnderADoublingBound() {
        assertThat(policy.delayMillis(1, Optional.empty(), Long.MAX_VALUE)).isBetween(0L, 100L);
        assertThat(policy.delayMillis(2, Optional.empty(), Long.MAX_VALUE)).isBetween(0L, 200L);
        assertThat(policy.delayMillis(3, Optional.empty(), Long.MAX_VALUE)).isBetween(0L, 300L);
    }

    @Test
    void noMoreThanTheConfiguredRetries() {
        assertThat(policy.delayMillis(4, Optional.empty(), Long.MAX_VALUE)).isEqualTo(RetryPolicy.NO_RETRY);
        assertThat(RetryPolicy.NONE.delayMillis(1, Optional.empty(), Long.MAX_VALUE)).isEqualTo(RetryPolicy.NO_RETRY);
    }

    @Test
    void retryAfterIsWaitedForUpToItsCap() {
        assertThat(policy.delayMillis(1, Optional.of(Duration.ofMillis(1500)), Long.MAX_VALUE)).isEqualTo(1500);
        assertThat(policy.delayMillis(1, Optional.of(Duration.ofSeconds(3)), Long.MAX_VALUE)).isEqualTo(RetryPolicy.NO_RETRY);
    }

    @Test
    void aRetryThatCouldNotStartBeforeTheDeadlineIsNotMade() {
        assertThat(policy.delayMillis(1, Optional.of(Duration.ofMillis(1500)), 1000)).isEqualTo(RetryPolicy.NO_RETRY);
        assertThat(policy.delayMillis(1, Optional.empty(), 0)).isEqualTo(RetryPolicy.NO_RETRY);
    }
}
