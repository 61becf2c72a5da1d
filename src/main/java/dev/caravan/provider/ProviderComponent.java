package dev.caravan.provider;

import java.util.Map;

import dev.caravan.routing.RouteCatalog;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code provider:<name>[?model=<upstream model>]} endpoint that profile routes list inside their
 * failover EIP. It skips a provider that is not offered, tells the adapter route which model to ask for,
 * and records each attempt; the call itself goes to the instance's {@code direct:provider-<name>} route.
 */
public class ProviderComponent extends DefaultComponent {

    private final RouteCatalog catalog;

    public ProviderComponent(RouteCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("provider: endpoint needs a provider name, e.g. provider:groq");
        }
        ProviderEndpoint endpoint = new ProviderEndpoint(uri, this, remaining, catalog);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
