package dev.caravan.resilience;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.caravan.support.GatewayTestSupport;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readiness and Prometheus on a replica whose only profile has one provider (stub-ready: its breaker opens after
 * 2 failed calls and stays open for 10 minutes): once that breaker is open no provider is usable, readiness says
 * so with the reason, and the breaker's state is in {@code /actuator/prometheus} (export is on in a replica, which
 * is started as an operator would, not as a Spring test context).
 */
class ProviderReadinessTest extends GatewayTestSupport {

    @Test
    void readinessTurnsDownWithTheReasonWhenEveryProvidersBreakerIsOpen() {
        STUB.stubFor(post("/ready/v1/chat/completions").willReturn(aResponse().withStatus(500)));
        try (ConfigurableApplicationContext replica = startReplicaWithRoutes(
                "file:routes/templates/*.yaml,file:" + TEST_ROUTES + "/resilience-replica.yaml")) {
            String base = "http://localhost:" + port(replica.getBean(CamelContext.class));
            assertThat(call(base, "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
            assertThat(call(base, "/actuator/prometheus", null).body())
                    .containsPattern("resilience4j_circuitbreaker_state\\{[^}]*name=\"stub-ready\"[^}]*state=\"closed\"[^}]*} 1\\.0")
                    .containsPattern("caravan_circuit_state\\{[^}]*provider=\"stub-ready\"[^}]*} 0\\.0");

            for (int i = 0; i < 2; i++) {
                HttpResponse<String> failed = call(base, "/v1/chat/completions",
                        "{\"model\":\"ready\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(failed.statusCode()).isEqualTo(502);
            }

            for (String path : new String[] {"/actuator/health/readiness", "/health/ready"}) {
                HttpResponse<String> readiness = call(base, path, null);
                assertThat(readiness.statusCode()).as(path).isEqualTo(503);
                assertThat(json(readiness.body()).at("/details/providers/reason").asText()).as(path)
                        .contains("circuit breaker is open").contains("stub-ready");
            }
            assertThat(call(base, "/health/live", null).statusCode()).isEqualTo(200);
            // /metrics is the same scrape as /actuator/prometheus
            assertThat(call(base, "/metrics", null).body())
                    .containsPattern("resilience4j_circuitbreaker_state\\{[^}]*name=\"stub-ready\"[^}]*state=\"open\"[^}]*} 1\\.0")
                    .containsPattern("caravan_circuit_state\\{[^}]*provider=\"stub-ready\"[^}]*} 2\\.0")
                    .containsPattern("caravan_requests_total\\{[^}]*profile=\"ready\"[^}]*status=\"502\"[^}]*} 2\\.0");
            HttpResponse<String> skipped = call(base, "/v1/chat/completions",
                    "{\"model\":\"ready\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(skipped.statusCode()).isEqualTo(503);
            assertThat(error(skipped).get("code").asText()).isEqualTo("circuit_open");
        }
    }

    @Test
    void theTestGatewayIsReadyWhileItsProvidersAreUsable() {
        HttpResponse<String> readiness = call(baseUrl(), "/actuator/health/readiness", null);
        assertThat(readiness.statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> call(String base, String path, String chat) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (chat != null) {
            request.header("Content-Type", "application/json").header("Authorization", "Bearer " + userKey)
                    .POST(HttpRequest.BodyPublishers.ofString(chat));
        }
        return send(request.build());
    }
}
