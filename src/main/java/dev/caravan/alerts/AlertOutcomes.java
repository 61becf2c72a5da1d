package dev.caravan.alerts;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What became of an alert at one webhook, counted as {@code caravan_alerts_total{cause,result}}: {@code sent}, each
 * {@code failed} attempt, and {@code dropped} once the retries are spent (with one WARN line). Used by the webhook
 * templates' routes and their route configuration ({@code routes/templates/webhook-delivery.yaml}); as a
 * {@link Processor} it is the error handler's {@code onRedelivery}, called before each retry.
 */
@Component("alertOutcomes")
public class AlertOutcomes implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("dev.caravan.alerts");
    /** Attempts that failed and were retried: the error handler's own counter is gone by the time it gives up. */
    private static final String RETRIED = "caravan.alert.retried";

    private final MeterRegistry meters;

    public AlertOutcomes(MeterRegistry meters) {
        this.meters = meters;
    }

    public void sent(Exchange exchange) {
        count(exchange, "sent");
    }

    /** An attempt failed and another one comes (the error handler's onRedelivery). */
    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(RETRIED, exchange.getProperty(RETRIED, 0, Integer.class) + 1);
        count(exchange, "failed");
    }

    /** The last attempt failed too: the alert is given up, said once. */
    public void dropped(Exchange exchange) {
        count(exchange, "failed");
        count(exchange, "dropped");
        LOG.warn("alert {} ({}) to webhook {} dropped after {} attempts: {}", exchange.getProperty(Webhook.CAUSE),
                exchange.getProperty(Webhook.SUBJECT), exchange.getProperty(Webhook.NAME),
                exchange.getProperty(RETRIED, 0, Integer.class) + 1, reason(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));
    }

    /** Why, without the URL (a Slack or ntfy URL is itself a secret): a status code or the failure's kind. */
    static String reason(Throwable failure) {
        if (failure instanceof HttpOperationFailedException http) {
            return "HTTP " + http.getStatusCode();
        }
        return failure == null ? "unknown" : failure.getClass().getSimpleName();
    }

    private void count(Exchange exchange, String result) {
        String cause = exchange.getProperty(Webhook.CAUSE, "unknown", String.class);
        meters.counter(AlertRoutes.METER, "cause", cause, "result", result).increment();
    }
}
