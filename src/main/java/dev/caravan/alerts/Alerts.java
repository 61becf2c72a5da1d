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
    /** When a full queue was last said in the log: a storm of dropped alerts is one line a minute, not one each. */
    private final java.util.concurrent.atomic.AtomicLong lastDropLogged = new java.util.concurrent.atomic.AtomicLong();

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
            long now = System.nanoTime();
            long last = lastDropLogged.get();
            if ((last == 0 || now - last > 60_000_000_000L) && lastDropLogged.compareAndSet(last, now)) {
                LOG.warn("alert {} ({}) dropped: the alert queue is full (further drops are counted, logged once a "
                        + "minute)", event.cause(), event.subject());
            }
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
