package dev.caravan.cache;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code cache:<name>[?ttl=10m&...]} endpoint that a profile route lists before its failover, as one short
 * step: {@code - to: cache:default?ttl=10m}. It answers the call from Redis when it can, and otherwise stores the
 * providers' answer once it was given whole. A profile without the step never caches. See {@link CacheProducer}.
 */
public class CacheComponent extends DefaultComponent {

    private final CacheLookup lookup;

    CacheComponent(CacheLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank() || !remaining.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("cache: endpoint needs a cache name of letters, digits, '.', '_' or '-',"
                    + " e.g. cache:default");
        }
        CacheEndpoint endpoint = new CacheEndpoint(uri, this, remaining, lookup);
        setProperties(endpoint, parameters);
        endpoint.validate();
        return endpoint;
    }
}
