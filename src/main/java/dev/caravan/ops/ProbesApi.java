package dev.caravan.ops;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.database.DatabaseReachability;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.stereotype.Component;

/**
 * Kubernetes probes and Prometheus metrics at the URLs of Spring Boot's actuator, served by routes on the
 * gateway's own server (there is no servlet container for actuator to use): {@code /actuator/health/liveness}
 * (also {@code /health/live}) and {@code /actuator/health/readiness} (also {@code /health/ready}) report Spring
 * Boot's application availability; readiness also turns down while PostgreSQL does not answer and while no provider
 * of any profile is usable (the {@code providers} health indicator), with the reason. {@code /actuator/health}
 * reports both, {@code /actuator/prometheus} (also {@code /metrics}) the meter registry. Liveness never depends on
 * the database or the providers: restarting a replica fixes neither.
 */
@Component
public class ProbesApi extends RouteBuilder {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ApplicationAvailability availability;
    /** The readiness group's own member: whether any provider of any profile can be used (resilience/). */
    private final HealthIndicator providers;
    /** Absent when metrics export is off (management.prometheus.metrics.export.enabled=false; also in tests). */
    private final ObjectProvider<PrometheusMeterRegistry> prometheus;
    private final DatabaseReachability database;

    public ProbesApi(ApplicationAvailability availability, ObjectProvider<PrometheusMeterRegistry> prometheus,
            @Qualifier("providers") HealthIndicator providers, DatabaseReachability database) {
        this.availability = availability;
        this.database = database;
        this.providers = providers;
        this.prometheus = prometheus;
    }

    @Override
    public void configure() {
        from("platform-http:/actuator/health/liveness?httpMethodRestrict=GET&muteException=true")
                .routeId("probe-liveness")
                .process(exchange -> status(exchange, live()));
        from("platform-http:/health/live?httpMethodRestrict=GET&muteException=true")
                .routeId("probe-live")
                .process(exchange -> status(exchange, live()));
        from("platform-http:/actuator/health/readiness?httpMethodRestrict=GET&muteException=true")
                .routeId("probe-readiness")
                .process(this::readiness);
        from("platform-http:/health/ready?httpMethodRestrict=GET&muteException=true")
                .routeId("probe-ready")
                .process(this::readiness);
        from("platform-http:/actuator/health?httpMethodRestrict=GET&muteException=true")
                .routeId("probe-health")
                .process(exchange -> status(exchange, live() && ready() && database.reachable() && providersUsable()));
        from("platform-http:/actuator/prometheus?httpMethodRestrict=GET&muteException=true")
                .routeId("metrics-prometheus")
                .process(this::scrape);
        from("platform-http:/metrics?httpMethodRestrict=GET&muteException=true")
                .routeId("metrics")
                .process(this::scrape);
    }

    private boolean live() {
        return availability.getLivenessState() == LivenessState.CORRECT;
    }

    private boolean ready() {
        return availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
    }

    private boolean providersUsable() {
        return Status.UP.equals(providers.health().getStatus());
    }

    /**
     * Ready while Spring Boot accepts traffic, PostgreSQL answers and some provider of some profile is usable; when
     * not, the reason is in {@code details}: {@code database} down, or {@code providers} (no key set, or every
     * breaker open).
     */
    private void readiness(Exchange exchange) {
        if (!ready()) {
            status(exchange, false);
            return;
        }
        boolean databaseUp = database.reachable();
        Health health = providers.health();
        boolean providersUp = Status.UP.equals(health.getStatus());
        if (databaseUp && providersUp) {
            status(exchange, true);
            return;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("status", "OUT_OF_SERVICE");
        ObjectNode reasons = body.putObject("details");
        if (!databaseUp) {
            reasons.putObject("database").put("status", "DOWN")
                    .put("reason", "PostgreSQL does not answer");
        }
        if (!providersUp) {
            ObjectNode details = reasons.putObject("providers");
            details.put("status", health.getStatus().getCode());
            health.getDetails().forEach((key, value) -> details.put(key, String.valueOf(value)));
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.bytes(body));
    }

    private static void status(Exchange exchange, boolean up) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(up ? "{\"status\":\"UP\"}" : "{\"status\":\"OUT_OF_SERVICE\"}");
    }

    private void scrape(Exchange exchange) {
        PrometheusMeterRegistry registry = prometheus.getIfAvailable();
        exchange.getMessage().removeHeaders("*");
        if (registry == null) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.getMessage().setBody(new OpenAiError(404, "Prometheus metrics export is off.",
                    OpenAiError.INVALID_REQUEST, null, "unknown_url").toBytes());
            return;
        }
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, PROMETHEUS_TEXT);
        exchange.getMessage().setBody(registry.scrape());
    }
}
