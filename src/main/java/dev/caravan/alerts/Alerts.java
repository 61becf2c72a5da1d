package dev.caravan.alerts;

import java.util.concurrent.BlockingQueue;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Raises an alert: offers it to the alert routes' queue ({@link AlertRoutes}) and returns. Safe on an event loop and
 * on the request path: one non-blocking {@code offer} onto a bounded queue, no producer template that could wait. A
 * full queue (an alert storm, or the routes stopped) drops the event, counted as {@code result=dropped}.
 */
@Component
public class Alerts {

    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);

    /** The alert routes' queue; its size and consumers are set by {@link AlertRoutes}. */
    public static final String ENDPOINT = "seda:caravan-alerts";

    private final CamelContext camel;
    private final MeterRegistry meters;
    private volatile SedaEndpoint endpoint;
    private volatile BlockingQueue<Exchange> queue;

    public Alerts(CamelContext camel, MeterRegistry meters) {
        this.camel = camel;
        this.meters = meters;
    }

    public void raise(AlertEvent event) {
        BlockingQueue<Exchange> target = queue();
        Exchange exchange = endpoint.createExchange();
        exchange.getMessage().setBody(event);
        if (!target.offer(exchange)) {
            meters.counter(AlertRoutes.METER, "cause", event.cause(), "result", "dropped").increment();
            LOG.warn("alert {} ({}) dropped: the alert queue is full", event.cause(), event.subject());
        }
    }

    /** The queue, looked up once: the endpoint is the consumer's, so both share its size. */
    private BlockingQueue<Exchange> queue() {
        BlockingQueue<Exchange> known = queue;
        if (known == null) {
            SedaEndpoint seda = camel.getEndpoint(AlertRoutes.QUEUE, SedaEndpoint.class);
            endpoint = seda;
            known = seda.getQueue();
            queue = known;
        }
        return known;
    }
}
