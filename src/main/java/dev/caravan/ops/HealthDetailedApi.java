package dev.caravan.ops;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.admin.http.Access;
import dev.caravan.admin.http.ApiReply;
import dev.caravan.admin.http.ApiRequest;
import dev.caravan.admin.http.AccountRoutes;
import dev.caravan.admin.http.CallerAuthentication;
import dev.caravan.api.ErrorResponder;
import dev.caravan.resilience.ProviderBreakers;
import dev.caravan.resilience.ProviderHealth;
import dev.caravan.resilience.RecentCalls;
import dev.caravan.routing.ProviderInfo;
import dev.caravan.routing.RouteCatalog;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * {@code GET /health/detailed} (admin key): every provider instance with whether it is offered, its circuit
 * breakers (state and counts), its recent calls (success rate, p50/p95 time to first byte and total time) and
 * its last error, redacted, with when it happened; and the readiness of the providers as the probe sees it.
 */
@Component
public class HealthDetailedApi extends AccountRoutes {

    private final RouteCatalog catalog;
    private final ProviderBreakers breakers;
    private final ProviderHealth health;
    private final HealthIndicator readiness;

    public HealthDetailedApi(ErrorResponder errors, CallerAuthentication authentication, RouteCatalog catalog,
            ProviderBreakers breakers, ProviderHealth health, @Qualifier("providers") HealthIndicator readiness) {
        super(errors, authentication);
        this.catalog = catalog;
        this.breakers = breakers;
        this.health = health;
        this.readiness = readiness;
    }

    @Override
    protected void endpoints() {
        endpoint("GET", "/health/detailed", "api-health-detailed", Access.ADMIN, this::detailed);
    }

    ApiReply detailed(ApiRequest request) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        Health ready = readiness.health();
        body.put("status", ready.getStatus().getCode().equals("UP") ? "ok" : "degraded");
        ObjectNode readinessNode = body.putObject("readiness");
        readinessNode.put("status", ready.getStatus().getCode());
        ready.getDetails().forEach((key, value) -> readinessNode.put(key, String.valueOf(value)));
        ArrayNode providers = body.putArray("providers");
        for (ProviderInfo info : catalog.providers()) {
            providers.add(provider(info));
        }
        return ApiReply.ok(body);
    }

    private ObjectNode provider(ProviderInfo info) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", info.name());
        node.put("adapter", info.adapter());
        node.put("offered", info.offered());
        List<CircuitBreaker> own = breakers.of(info.name());
        node.put("breaker", own.isEmpty() ? "none" : summaryState(own));
        ArrayNode breakerNodes = node.putArray("breakers");
        for (CircuitBreaker breaker : own) {
            CircuitBreaker.Metrics metrics = breaker.getMetrics();
            ObjectNode b = breakerNodes.addObject();
            b.put("name", breaker.getName());
            String model = breaker.getTags().get(ProviderBreakers.MODEL_TAG);
            if (model != null) {
                b.put("model", model);
            }
            b.put("state", state(breaker.getState()));
            b.put("failure_rate", metrics.getFailureRate());
            b.put("slow_call_rate", metrics.getSlowCallRate());
            b.put("calls", metrics.getNumberOfBufferedCalls());
            b.put("failed_calls", metrics.getNumberOfFailedCalls());
            b.put("slow_calls", metrics.getNumberOfSlowCalls());
            b.put("not_permitted_calls", metrics.getNumberOfNotPermittedCalls());
        }
        RecentCalls recent = health.snapshot(info.name());
        ObjectNode recentNode = node.putObject("recent");
        recentNode.put("calls", recent.calls());
        putOrNull(recentNode, "success_rate", recent.successRate());
        ObjectNode ttft = recentNode.putObject("time_to_first_token_ms");
        putOrNull(ttft, "p50", recent.firstByteP50Millis());
        putOrNull(ttft, "p95", recent.firstByteP95Millis());
        ObjectNode latency = recentNode.putObject("latency_ms");
        putOrNull(latency, "p50", recent.totalP50Millis());
        putOrNull(latency, "p95", recent.totalP95Millis());
        if (recent.lastError() == null) {
            node.putNull("last_error");
        } else {
            node.putObject("last_error").put("message", recent.lastError())
                    .put("at", Instant.ofEpochMilli(recent.lastErrorAtMillis()).toString());
        }
        return node;
    }

    /** The provider's state in one word: a per-model provider is open only when all its models are. */
    private static String summaryState(List<CircuitBreaker> own) {
        if (own.size() == 1) {
            return state(own.get(0).getState());
        }
        boolean anyOpen = false;
        boolean allOpen = true;
        for (CircuitBreaker breaker : own) {
            boolean open = breaker.getState() == CircuitBreaker.State.OPEN
                    || breaker.getState() == CircuitBreaker.State.FORCED_OPEN;
            anyOpen |= open;
            allOpen &= open;
        }
        return allOpen ? "open" : anyOpen ? "partly_open" : "closed";
    }

    private static String state(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> "closed";
            case OPEN, FORCED_OPEN -> "open";
            case HALF_OPEN -> "half_open";
            default -> state.name().toLowerCase();
        };
    }

    private static void putOrNull(ObjectNode node, String field, double value) {
        if (value < 0) {
            node.putNull(field);
        } else {
            node.put(field, Math.round(value * 1000) / 1000.0);
        }
    }
}
