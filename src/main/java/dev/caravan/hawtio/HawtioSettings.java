package dev.caravan.hawtio;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Hawtio on the management port ({@code caravan.hawtio.*}).
 *
 * @param enabled whether the management server (Tomcat, Hawtio, Jolokia) starts at all; off by default
 * @param port    its port, never {@code server.port} (the API's, served by Vert.x); 0 picks a free one
 * @param address the address it binds; empty: every interface, as the API's server does
 */
@ConfigurationProperties("caravan.hawtio")
public record HawtioSettings(boolean enabled, @DefaultValue("8081") int port, String address) {
}
