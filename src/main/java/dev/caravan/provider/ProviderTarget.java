package dev.caravan.provider;

import org.apache.camel.Exchange;

/** The provider and upstream model of the current attempt, set by the {@code provider:} endpoint. */
public record ProviderTarget(String provider, String model) {

    public static final String PROPERTY = "caravan.target";

    public static ProviderTarget of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, ProviderTarget.class);
    }
}
