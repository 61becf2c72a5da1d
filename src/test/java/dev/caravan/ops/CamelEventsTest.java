package dev.caravan.ops;

import dev.caravan.support.GatewayTestSupport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Camel raises no events per exchange (a notifier that wants them costs every call), and the route gauges stay. */
class CamelEventsTest extends GatewayTestSupport {

    @Autowired
    private CamelContext camelContext;
    @Autowired
    private MeterRegistry meters;

    @Test
    void noEventNotifierTakesExchangeEvents() {
        assertThat(camelContext.getManagementStrategy().getEventNotifiers())
                .allSatisfy(notifier -> assertThat(notifier.isIgnoreExchangeEvents())
                        .as(notifier.getClass().getName()).isTrue());
        assertThat(camelContext.getCamelContextExtension().isEventNotificationApplicable()).isFalse();
    }

    @Test
    void routeGaugesAreStillPublished() {
        // camel_routes_running_routes and camel_routes_added_routes on /actuator/prometheus
        Gauge running = meters.find("camel.routes.running").gauge();
        Gauge added = meters.find("camel.routes.added").gauge();
        assertThat(running).isNotNull();
        assertThat(added).isNotNull();
        assertThat(running.value()).isEqualTo(camelContext.getRoutes().size());
        assertThat(added.value()).isPositive();
    }
}
