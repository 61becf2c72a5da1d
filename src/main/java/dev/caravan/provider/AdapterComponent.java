package dev.caravan.provider;

import java.util.Map;

import dev.caravan.resilience.ProviderBreakers;
import dev.caravan.resilience.ProviderHealth;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code adapter:<adapter bean>?settings=#<settings bean>} endpoint, the one step of a provider route
 * template: it asks the {@link ProviderAdapter} for the upstream request, sends it through
 * {@code upstream:<provider>} (non-blocking) and leaves the adapter's {@link ProviderResult} as the body, or a
 * {@link ProviderFailureException} for failover. A stream is handed on once its first chunk is translated.
 */
public class AdapterComponent extends DefaultComponent {

    private final ProviderBreakers breakers;
    private final ProviderHealth health;

    public AdapterComponent(ProviderBreakers breakers, ProviderHealth health) {
        this.breakers = breakers;
        this.health = health;
    }

    ProviderBreakers breakers() {
        return breakers;
    }

    ProviderHealth health() {
        return health;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("adapter: endpoint needs an adapter bean, e.g. adapter:anthropic");
        }
        ProviderAdapter<?> adapter = getCamelContext().getRegistry().lookupByNameAndType(remaining, ProviderAdapter.class);
        if (adapter == null) {
            throw new IllegalArgumentException("adapter:" + remaining + " names no ProviderAdapter bean");
        }
        AdapterEndpoint endpoint = new AdapterEndpoint(uri, this, adapter);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
