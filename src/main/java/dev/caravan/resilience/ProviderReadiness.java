package dev.caravan.resilience;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.caravan.routing.ProfileInfo;
import dev.caravan.routing.ProviderInfo;
import dev.caravan.routing.RouteCatalog;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code providers} member of the readiness group: up while at least one provider that some profile names
 * is usable (offered, its key set, and its circuit breakers not all open), down with the reason otherwise. A
 * replica that can reach no provider answers every model call with an error; its load balancer should send the
 * calls to another replica meanwhile. An open breaker turns half-open by itself after its open duration, so a
 * replica taken out this way comes back without traffic.
 */
@Component("providers")
public class ProviderReadiness implements HealthIndicator {

    private final RouteCatalog catalog;
    private final ProviderBreakers breakers;

    public ProviderReadiness(RouteCatalog catalog, ProviderBreakers breakers) {
        this.catalog = catalog;
        this.breakers = breakers;
    }

    @Override
    public Health health() {
        Set<String> named = new LinkedHashSet<>();
        for (ProfileInfo profile : catalog.profiles()) {
            named.addAll(profile.providers());
        }
        List<String> open = new ArrayList<>();
        int offered = 0;
        for (String name : named) {
            ProviderInfo provider = catalog.provider(name);
            if (provider == null || !provider.offered()) {
                continue;
            }
            offered++;
            if (breakers.usable(name)) {
                return Health.up().withDetail("usable", name).build();
            }
            open.add(name);
        }
        String reason = offered == 0
                ? "no provider of any profile is configured (API keys unset or providers disabled)"
                : "every configured provider's circuit breaker is open: " + String.join(", ", open);
        return Health.outOfService().withDetail("reason", reason).build();
    }
}
