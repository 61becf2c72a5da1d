package dev.caravan.alerts;

import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/** Raises an alert: hands it to the alert routes ({@link AlertRoutes}) without waiting for them. */
@Component
public class Alerts {

    public static final String ENDPOINT = "seda:caravan-alerts";

    private final ProducerTemplate producer;

    public Alerts(ProducerTemplate producer) {
        this.producer = producer;
    }

    public void raise(AlertEvent event) {
        producer.sendBody(ENDPOINT, event);
    }
}
