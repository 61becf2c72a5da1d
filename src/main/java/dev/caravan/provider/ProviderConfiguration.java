package dev.caravan.provider;

import dev.caravan.routing.RouteCatalog;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the {@code provider:} Camel component (Camel finds components in the registry by bean name). */
@Configuration(proxyBeanMethods = false)
public class ProviderConfiguration {

    @Bean(name = "provider")
    public ProviderComponent providerComponent(RouteCatalog catalog) {
        return new ProviderComponent(catalog);
    }
}
