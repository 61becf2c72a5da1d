package dev.caravan.alerts;

import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways on one Redis raise the same alert: the first to claim it in Redis sends it, the other counts it
 * as de-duplicated, so the webhook hears of it once.
 */
class AlertsAcrossReplicasTest extends AlertTestSupport {

    @Test
    void oneAlertPerWindowAcrossReplicas() {
        String provider = "replicated-" + UUID.randomUUID();
        String subject = "provider:" + provider;
        AlertEvent event = AlertEvent.warning("breaker_opened", "a provider's circuit breaker opened",
                Map.of("provider", provider));
        try (ConfigurableApplicationContext replica = startReplica()) {
            MeterRegistry replicaMeters = replica.getBean(MeterRegistry.class);
            double here = count("breaker_opened", "deduplicated");
            double there = deduplicated(replicaMeters);

            alerts.raise(event);
            awaitJsonAlerts("breaker_opened", subject, 1);
            replica.getBean(Alerts.class).raise(event);

            Awaitility.await().until(() -> deduplicated(replicaMeters) > there);
            assertThat(count("breaker_opened", "deduplicated")).isEqualTo(here);
            assertThat(jsonAlerts("breaker_opened", subject)).hasSize(1);
            assertThat(received("slack", subject)).hasSize(1);
        }
    }

    private static double deduplicated(MeterRegistry meters) {
        Counter counter = meters.find(AlertRoutes.METER).tags("cause", "breaker_opened", "result", "deduplicated")
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
