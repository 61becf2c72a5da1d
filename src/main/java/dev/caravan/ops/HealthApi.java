package dev.caravan.ops;

import java.lang.management.ManagementFactory;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.billing.PriceTable;
import dev.caravan.openai.Json;
import dev.caravan.redis.RedisHealth;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;

/**
 * {@code GET /health}: status, version, uptime, the route files whose last edit did not load and the price
 * table's last load error, and whether Redis answers a PING (status {@code degraded} while any of these is
 * wrong). Kubernetes probes use Spring Boot's {@code /actuator/health/liveness} and
 * {@code /actuator/health/readiness}, which never depend on Redis (quotas fail open without it).
 */
@Component
public class HealthApi extends RouteBuilder {

    private final RouteReloadStatus reloadStatus;
    private final PriceTable prices;
    private final RedisHealth redis;
    private final String version;

    public HealthApi(RouteReloadStatus reloadStatus, PriceTable prices, RedisHealth redis,
            ObjectProvider<BuildProperties> build) {
        this.reloadStatus = reloadStatus;
        this.prices = prices;
        this.redis = redis;
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
        RedisHealth.Status redisStatus = redis.check();
        body.put("status", failures.isEmpty() && pricesError == null && redisStatus.up() ? "ok" : "degraded");
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
        ObjectNode redisNode = body.putObject("redis");
        redisNode.put("status", redisStatus.up() ? "up" : "down");
        redisNode.put("embedded", redisStatus.embedded());
        if (redisStatus.pingMillis() == null) {
            redisNode.putNull("ping_ms");
        } else {
            redisNode.put("ping_ms", Math.round(redisStatus.pingMillis() * 1000) / 1000.0);
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.bytes(body));
    }
}
