package dev.caravan.provider;

import dev.caravan.routing.RouteCatalog;
import org.springframework.stereotype.Component;

/**
 * Provider API keys for the adapter routes' credential headers, looked up when a call is sent. A step that wrote
 * the key itself ({@code "Bearer {{apiKey}}"}) put the key into the route model, and a route dump with its
 * placeholders resolved (JMX's {@code dumpRouteAsXml(true)}, Hawtio's route source view) showed it; the steps
 * name the provider instead, e.g. {@code bearer('openai')}.
 */
@Component("providerKeys")
public class ProviderKeys {

    private final RouteCatalog catalog;

    public ProviderKeys(RouteCatalog catalog) {
        this.catalog = catalog;
    }

    /** The provider's key, or "" when it has none. */
    public String key(String provider) {
        return catalog.apiKey(provider);
    }

    /** The value of an {@code Authorization} header with the provider's key. */
    public String bearer(String provider) {
        return "Bearer " + key(provider);
    }
}
