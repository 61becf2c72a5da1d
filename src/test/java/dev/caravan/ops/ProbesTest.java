package dev.caravan.ops;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.caravan.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Kubernetes probes at actuator's URLs, on the gateway's own port (there is no servlet container). */
class ProbesTest extends GatewayTestSupport {

    @Test
    void livenessAndReadinessAreUpOnTheGatewaysPort() {
        for (String path : new String[] {"/actuator/health/liveness", "/actuator/health/readiness", "/actuator/health",
                "/health/live", "/health/ready"}) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(json(response.body()).get("status").asText()).as(path).isEqualTo("UP");
        }
    }
}
