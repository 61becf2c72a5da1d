package dev.caravan.provider;

import dev.caravan.routing.RouteCatalog;
import dev.caravan.upstream.UpstreamComponent;
import io.vertx.core.Vertx;
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
    public AdapterComponent adapterComponent() {
        return new AdapterComponent();
    }

    @Bean(name = "upstream")
    public UpstreamComponent upstreamComponent(Vertx vertx) {
        return new UpstreamComponent(vertx);
    }
}
