package dev.caravan.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.caravan.alerts.AlertEvent;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Breakers per provider or per model, replaced when their settings change, and the alerts they raise. */
class ProviderBreakersTest {

    private final List<AlertEvent> raised = new ArrayList<>();
    private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
    private final ProviderBreakers breakers = new ProviderBreakers(registry, raised::add);
    private final BreakerSettings settings = new BreakerSettings(50, 100, 60000, 2, 2, 60000, 1, false);

    @Test
    void openingAndClosingRaiseAlertsNamingTheProvider() {
        CircuitBreaker breaker = breakers.breaker("p", "m", settings);
        for (int i = 0; i < 2; i++) {
            assertThat(breaker.tryAcquirePermission()).isTrue();
            breaker.onError(1, TimeUnit.MILLISECONDS, new RuntimeException("boom"));
        }
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquirePermission()).isFalse();
        assertThat(breakers.usable("p")).isFalse();

        breaker.transitionToHalfOpenState();
        assertThat(breaker.tryAcquirePermission()).isTrue();
        breaker.onSuccess(1, TimeUnit.MILLISECONDS);

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(raised).extracting(AlertEvent::cause).containsExactly("breaker_opened", "breaker_closed");
        assertThat(raised.get(0).detail()).containsEntry("provider", "p").doesNotContainKey("model");
        assertThat(breakers.usable("p")).isTrue();
    }

    @Test
    void perModelBreakersAreSeparateAndNameTheirModel() {
        BreakerSettings perModel = new BreakerSettings(50, 100, 60000, 2, 2, 60000, 1, true);
        CircuitBreaker one = breakers.breaker("p", "m1", perModel);
        CircuitBreaker two = breakers.breaker("p", "m2", perModel);
        assertThat(one).isNotSameAs(two);
        assertThat(one.getName()).isEqualTo("p/m1");
        one.transitionToOpenState();
        assertThat(raised.get(0).detail()).containsEntry("model", "m1");
        assertThat(breakers.usable("p")).isTrue();
        two.transitionToOpenState();
        assertThat(breakers.usable("p")).isFalse();
    }

    @Test
    void aBreakerIsKeptForTheSameSettingsAndReplacedForNewOnes() {
        CircuitBreaker first = breakers.breaker("p", null, settings);
        assertThat(breakers.breaker("p", null, new BreakerSettings(50, 100, 60000, 2, 2, 60000, 1, false))).isSameAs(first);
        CircuitBreaker changed = breakers.breaker("p", null, new BreakerSettings(20, 100, 60000, 2, 2, 60000, 1, false));
        assertThat(changed).isNotSameAs(first);
        assertThat(registry.circuitBreaker("p")).isSameAs(changed);
    }
}
