package dev.caravan.alerts;

import java.time.Clock;
import java.util.List;

import dev.caravan.redis.RedisServerAddress;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.redis.RedisConstants;
import org.springframework.stereotype.Component;

/**
 * Where alert events go. The queue is bounded and {@link Alerts#raise} only offers to it, so an alert storm or a
 * webhook that is slow or down never slows the paths that raise alerts. Each event is de-duplicated per cause and
 * subject ({@link AlertWindow}; {@code result=deduplicated}), and across replicas by a claim in the shared Redis
 * ({@code SETNX} through camel-spring-redis, so only the first replica sends it per window; Redis down: sent),
 * logged (one WARN line of {@code dev.caravan.alerts},
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
    private static final String EVENT = "caravan.alert.event";

    private final MeterRegistry meters;
    private final AlertProperties properties;
    private final AlertWindow window;
    private final RedisServerAddress address;

    public AlertRoutes(MeterRegistry meters, AlertProperties properties, RedisServerAddress address) {
        this.meters = meters;
        this.address = address;
        this.properties = properties;
        this.window = new AlertWindow(properties.window(), Clock.systemUTC());
    }

    @Override
    public void configure() {
        // camel-spring-redis on Spring Data's connection factory; blocking, so on the alert queue's threads only
        RedisURI server = RedisURI.create(address.url());
        String redis = "spring-redis://" + server.getHost() + ":" + server.getPort()
                + "?connectionFactory=#redisConnectionFactory"
                + "&serializer=#class:org.springframework.data.redis.serializer.StringRedisSerializer&command=";
        // a rule that fails is the rule's problem: one line, and the alert still reached the log and other rules
        onException(Exception.class)
                .handled(true)
                .log(LoggingLevel.WARN, "dev.caravan.alerts", "alert ${body.cause} not handed to every rule: ${exception.message}");

        from(QUEUE)
                .routeId("alerts")
                .filter(exchange -> admitted(exchange.getMessage().getBody(AlertEvent.class)))
                    // one replica sends it: the first to claim its cause, subject and window in the shared Redis
                    .setProperty(EVENT, body())
                    .setHeader(RedisConstants.KEY, method(this, "claimKey"))
                    .setHeader(RedisConstants.VALUE, constant(properties.instanceId()))
                    .doTry()
                        .to(redis + "SETNX")
                    .doCatch(Exception.class)
                        // Redis down: better twice than never
                        .setBody(constant(Boolean.TRUE))
                    .end()
                    .filter(body().isNotEqualTo(Boolean.TRUE))
                        .setBody(exchangeProperty(EVENT))
                        .process(exchange -> count(exchange.getMessage().getBody(AlertEvent.class), "deduplicated"))
                        .stop()
                    .end()
                    .setHeader(RedisConstants.TIMEOUT, constant(2 * properties.window().toSeconds()))
                    .doTry()
                        // the claim's key names its window: without this it would only linger, never suppress
                        .to(redis + "EXPIRE")
                    .doCatch(Exception.class)
                    .end()
                    .setBody(exchangeProperty(EVENT))
                    .removeHeaders("CamelRedis.*")
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

    /**
     * The Redis key by which replicas agree who sends an alert: its cause and subject in the current window (fixed
     * windows of {@code caravan.alerts.window}, counted from the epoch, so every replica names the same one).
     */
    public String claimKey(Exchange exchange) {
        AlertEvent event = exchange.getProperty(EVENT, AlertEvent.class);
        long slot = event.at().getEpochSecond() / Math.max(1, properties.window().toSeconds());
        return properties.sharedWindowKey() + ":" + event.cause() + ":" + event.subject() + ":" + slot;
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
