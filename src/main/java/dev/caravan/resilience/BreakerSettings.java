package dev.caravan.resilience;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

/**
 * The circuit breaker settings of one provider instance, from its YAML (the template's defaults otherwise).
 * A record, so that a reloaded provider file whose settings changed is noticed ({@link ProviderBreakers}
 * replaces the breaker) and one whose settings did not keep its breaker and counts.
 *
 * @param failureRatePercent   the share of failed calls in the window that opens the breaker
 * @param slowCallRatePercent  the share of slow calls in the window that opens the breaker
 * @param slowCallMillis       a call whose first byte took longer than this is slow
 * @param window               how many of the latest calls the rates are computed over
 * @param minimumCalls         no rate is computed before this many calls were seen (capped at the window)
 * @param openMillis           how long an open breaker refuses calls before it lets probes through
 * @param halfOpenProbes       how many probe calls a half-open breaker lets through to decide
 * @param perModel             one breaker per provider and model, for providers that fail per model
 */
public record BreakerSettings(float failureRatePercent, float slowCallRatePercent, long slowCallMillis, int window,
                              int minimumCalls, long openMillis, int halfOpenProbes, boolean perModel) {

    public static final BreakerSettings DEFAULTS = new BreakerSettings(50, 100, 60000, 20, 10, 30000, 2, false);

    public BreakerSettings {
        if (failureRatePercent <= 0 || failureRatePercent > 100 || slowCallRatePercent <= 0 || slowCallRatePercent > 100) {
            throw new IllegalArgumentException("breaker rates are percentages in (0, 100]");
        }
        if (slowCallMillis < 1 || window < 1 || minimumCalls < 1 || openMillis < 1 || halfOpenProbes < 1) {
            throw new IllegalArgumentException("breaker durations and counts must be positive");
        }
    }

    CircuitBreakerConfig toConfig() {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(window)
                .minimumNumberOfCalls(Math.min(minimumCalls, window))
                .failureRateThreshold(failureRatePercent)
                .slowCallRateThreshold(slowCallRatePercent)
                .slowCallDurationThreshold(Duration.ofMillis(slowCallMillis))
                .waitDurationInOpenState(Duration.ofMillis(openMillis))
                .permittedNumberOfCallsInHalfOpenState(halfOpenProbes)
                // an open breaker turns half-open by itself (Resilience4j's own scheduler thread, never an event
                // loop): readiness and /health/detailed must not show a provider as down once probes are due
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build();
    }
}
