package dev.caravan.alerts;

import java.time.Duration;

import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.CamelContextCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code alert-http:}, the camel-http instance webhooks are sent with: a pool and timeouts of its own, so a
 * receiver that hangs holds an alert delivery for {@code caravan.alerts.delivery-timeout} at most (then the
 * attempt fails and is retried later, on a timer), and never a connection the providers' pool needs. Added to
 * Camel by a customizer, before routes start, rather than as a Spring bean: a second {@link HttpComponent} bean
 * would switch off the auto-configured {@code http} one (and a {@code CamelContextConfiguration} would bring
 * Spring Boot's per-exchange event notifier, see ops/OpsConfiguration).
 */
@Configuration(proxyBeanMethods = false)
public class AlertHttpConfiguration {

    public static final String SCHEME = "alert-http";

    @Bean
    CamelContextCustomizer alertHttpComponent(@Value("${caravan.alerts.delivery-timeout:5s}") Duration timeout) {
        return camel -> {
            HttpComponent http = new HttpComponent();
            long millis = timeout.toMillis();
            http.setConnectTimeout(millis);
            http.setConnectionRequestTimeout(millis);
            http.setResponseTimeout(millis);
            http.setSoTimeout(millis);
            http.setMaxTotalConnections(20);
            http.setConnectionsPerRoute(4);
            camel.addComponent(SCHEME, http);
        };
    }
}
