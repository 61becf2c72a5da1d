package dev.caravan.alerts;

import java.time.Clock;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Where alert events go. The queue is bounded and {@link Alerts#raise} only offers to it, so an alert storm or a
 * webhook that is slow or down never slows the paths that raise alerts. Each event is de-duplicated per cause and
 * subject ({@link AlertWindow}; {@code result=deduplicated}), logged (one WARN line of {@code dev.caravan.alerts},
 * {@code result=logged}) and handed to every alert rule: a YAML route under {@code routes/alerts/} whose
 * consumer is {@code direct:alert-rule-<name>}. Rules are found when an alert comes, so a rule added or edited
 * in YAML is used from the next alert on; each rule decides which events go to which webhook route
 * ({@code direct:alert-webhook-<name>}, instances of {@code routes/templates/webhook-*.yaml}).
 */
@Component
public class AlertRoutes extends RouteBuilder {

    public static final String METER = "caravan.alerts";
    /** The consumer side of {@link Alerts#ENDPOINT}: bounded; two consumers, so one webhook retrying cannot hold all. */
    static final String QUEUE = Alerts.ENDPOINT + "?size={{caravan.alerts.queue-size:10000}}&concurrentConsumers=2";
    /** The exchange property that carries this gateway's instance id to the webhook routes. */
    public static final String INSTANCE = "caravan.alert.instance";

    static final String RULE_PREFIX = "direct://alert-rule-";

    private final MeterRegistry meters;
    private final AlertProperties properties;
    private final AlertWindow window;

    public AlertRoutes(MeterRegistry meters, AlertProperties properties) {
        this.meters = meters;
        this.properties = properties;
        this.window = new AlertWindow(properties.window(), Clock.systemUTC());
    }

    @Override
    public void configure() {
        // a rule that fails is the rule's problem: one line, and the alert still reached the log and other rules
        onException(Exception.class)
                .handled(true)
                .log(LoggingLevel.WARN, "dev.caravan.alerts", "alert ${body.cause} not handed to every rule: ${exception.message}");

        from(QUEUE)
                .routeId("alerts")
                .filter(exchange -> admitted(exchange.getMessage().getBody(AlertEvent.class)))
                    .log(LoggingLevel.WARN, "dev.caravan.alerts",
                            "alert ${body.cause} (${body.severity}, ${body.subject}): ${body.summary} ${body.detail}")
                    .process(exchange -> count(exchange.getMessage().getBody(AlertEvent.class), "logged"))
                    .setProperty(INSTANCE, constant(properties.instanceId()))
                    .recipientList(method(this, "rules")).ignoreInvalidEndpoints()
                .end();
    }

    private boolean admitted(AlertEvent event) {
        if (window.admit(event)) {
            return true;
        }
        count(event, "deduplicated");
        return false;
    }

    private void count(AlertEvent event, String result) {
        meters.counter(METER, "cause", event.cause(), "result", result).increment();
    }

    /** The consumer endpoints of the alert rules running now (routes/alerts/*.yaml). */
    public List<String> rules(Exchange exchange) {
        return exchange.getContext().getRoutes().stream()
                .map(Route::getEndpoint)
                .map(endpoint -> endpoint.getEndpointUri())
                .filter(uri -> uri.startsWith(RULE_PREFIX) || uri.startsWith("direct:alert-rule-"))
                .sorted()
                .toList();
    }
}
