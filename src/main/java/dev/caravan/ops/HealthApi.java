package dev.caravan.ops;

import java.lang.management.ManagementFactory;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.billing.PriceTable;
import dev.caravan.openai.Json;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;

/**
 * {@code GET /health}: status, version, uptime, the route files whose last edit did not load and the price
 * table's last load error (status {@code degraded} while there are any). Kubernetes probes use Spring Boot's
 * {@code /actuator/health/liveness} and {@code /actuator/health/readiness}.
 */
@Component
public class HealthApi extends RouteBuilder {

    private final RouteReloadStatus reloadStatus;
    private final PriceTable prices;
    private final String version;

    public HealthApi(RouteReloadStatus reloadStatus, PriceTable prices, ObjectProvider<BuildProperties> build) {
        this.reloadStatus = reloadStatus;
        this.prices = prices;
        BuildProperties properties = build.getIfAvailable();
        this.version = properties != null ? properties.getVersion() : "dev";
    }

    @Override
    public void configure() {
        from("platform-http:/health?httpMethodRestrict=GET&muteException=true")
                .routeId("api-health")
                .process(this::respond);
    }

    void respond(Exchange exchange) {
        var failures = reloadStatus.failures();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        String pricesError = prices.error();
        body.put("status", failures.isEmpty() && pricesError == null ? "ok" : "degraded");
        body.put("version", version);
        body.put("uptime_seconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        ObjectNode routes = body.putObject("routes");
        routes.put("running", exchange.getContext().getRoutesSize());
        routes.put("reloads", reloadStatus.reloads());
        ArrayNode errors = routes.putArray("reload_errors");
        failures.values().forEach(f -> errors.addObject().put("file", f.file()).put("error", f.message())
                .put("at", f.at().toString()));
        ObjectNode priceStatus = body.putObject("prices");
        priceStatus.put("file", prices.file().toString());
        if (pricesError == null) {
            priceStatus.putNull("error");
        } else {
            priceStatus.put("error", pricesError);
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.bytes(body));
    }
}
