package dev.caravan.alerts;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Where alert events go: one warning log line each and {@code caravan_alerts_total{cause,result}}. The queue is
 * bounded and drops (counted) rather than blocks, so an alert storm never slows the paths that raise alerts.
 * Webhook delivery routes hang off this route.
 */
@Component
public class AlertRoutes extends RouteBuilder {

    private final MeterRegistry meters;

    public AlertRoutes(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void configure() {
        from(Alerts.ENDPOINT + "?size=10000&discardWhenFull=true")
                .routeId("alerts")
                .log(LoggingLevel.WARN, "dev.caravan.alerts", "alert ${body.cause}: ${body.summary} ${body.detail}")
                .process(exchange -> meters.counter("caravan.alerts", "cause",
                        exchange.getMessage().getBody(AlertEvent.class).cause(), "result", "logged").increment());
    }
}
