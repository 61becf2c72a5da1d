package dev.caravan.provider;

import dev.caravan.resilience.ProviderBreakers;
import dev.caravan.resilience.ProviderHealth;
import dev.caravan.routing.RouteCatalog;
import dev.caravan.upstream.UpstreamComponent;
import io.vertx.core.Vertx;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the Camel components of the provider side (Camel finds components in the registry by bean name):
 * {@code provider:} for profiles, {@code adapter:} for provider route templates, and {@code upstream:}, the
 * non-blocking HTTP client on the gateway's one Vert.x instance.
 */
@Configuration(proxyBeanMethods = false)
public class ProviderConfiguration {

    @Bean(name = "provider")
    public ProviderComponent providerComponent(RouteCatalog catalog) {
        return new ProviderComponent(catalog);
    }

    @Bean(name = "adapter")
    public AdapterComponent adapterComponent(ProviderBreakers breakers, ProviderHealth health) {
        return new AdapterComponent(breakers, health);
    }

    /**
     * @param maxConnections connections kept per provider host: an HTTP/1.1 stream holds one for its whole length,
     *                       so this bounds the streams in flight to one provider (more wait for a connection, up to
     *                       the provider's {@code connectTimeout})
     */
    @Bean(name = "upstream")
    public UpstreamComponent upstreamComponent(Vertx vertx,
            @Value("${caravan.upstream.max-connections-per-host:" + UpstreamComponent.DEFAULT_MAX_POOL_SIZE + "}") int maxConnections) {
        UpstreamComponent component = new UpstreamComponent(vertx);
        component.setMaxPoolSize(maxConnections);
        return component;
    }
}
