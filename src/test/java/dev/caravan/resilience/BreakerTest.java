package dev.caravan.resilience;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The circuit breakers of stub-breaker and stub-probe (window 4, all 4 needed, opens at 50 % failures, one
 * half-open probe; open 10 minutes and 1 s) in the profiles breaker-then-b and probe-then-b, and what
 * {@code /health/detailed} shows of them.
 */
class BreakerTest extends GatewayTestSupport {

    private static final String PATH = "/breaker/v1/chat/completions";
    private static final String CHAT = "{\"model\":\"breaker-then-b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String PROBE_PATH = "/probe/v1/chat/completions";
    private static final String PROBE_CHAT = CHAT.replace("breaker-then-b", "probe-then-b");

    @Autowired
    ProviderBreakers breakers;

    @BeforeEach
    void closedBreakerAndAnsweringB() {
        breakers.of("stub-breaker").forEach(CircuitBreaker::reset);
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-b", "from b"))));
    }

    private void openTheBreaker(String path, String chat) {
        STUB.stubFor(post(path).willReturn(aResponse().withStatus(500)));
        for (int i = 0; i < 4; i++) {
            assertThat(postJson("/v1/chat/completions", chat).headers().firstValue("x-caravan-provider")).contains("stub-b");
        }
        STUB.verify(4, postRequestedFor(urlEqualTo(path)));
    }

    @Test
    void opensAfterTheConfiguredFailuresAndThenSkipsTheProviderWithoutAConnection() {
        openTheBreaker(PATH, CHAT);
        STUB.resetRequests();
        String requestId = "skip-" + UUID.randomUUID();

        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + userKey)
                .header("x-request-id", requestId).POST(HttpRequest.BodyPublishers.ofString(CHAT)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).contains("stub-b");
        assertThat(response.headers().firstValue("x-caravan-attempts")).contains("2");
        assertThat(response.headers().firstValue("x-caravan-skipped")).contains("stub-breaker/model-breaker");
        STUB.verify(0, postRequestedFor(urlEqualTo(PATH)));
        await("the ledger row").atMost(Duration.ofSeconds(15)).until(() -> !jdbc.queryForList(
                "select attempts from usage_ledger where client_request_id = ?", requestId).isEmpty());
        Map<String, Object> row = jdbc.queryForMap("select attempts, provider from usage_ledger where client_request_id = ?",
                requestId);
        assertThat(row.get("attempts")).isEqualTo(2);
        assertThat(row.get("provider")).isEqualTo("stub-b");

        JsonNode provider = detailedProvider("stub-breaker");
        assertThat(provider.get("offered").asBoolean()).isTrue();
        assertThat(provider.get("breaker").asText()).isEqualTo("open");
        assertThat(provider.at("/breakers/0/failed_calls").asInt()).isEqualTo(4);
        assertThat(provider.at("/breakers/0/not_permitted_calls").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(provider.at("/last_error/message").asText()).contains("500");
        assertThat(provider.at("/last_error/at").asText()).isNotEmpty();
    }

    @Test
    void aHalfOpenProbeThatSucceedsClosesTheBreaker() {
        openTheBreaker(PROBE_PATH, PROBE_CHAT);
        STUB.stubFor(post(PROBE_PATH).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(OpenAiFixtures.completion("model-probe", "back"))));
        await("half-open after the open duration of 1 s").atMost(Duration.ofSeconds(10))
                .until(() -> detailedProvider("stub-probe").get("breaker").asText().equals("half_open"));

        HttpResponse<String> probe = postJson("/v1/chat/completions", PROBE_CHAT);

        assertThat(probe.headers().firstValue("x-caravan-provider")).contains("stub-probe");
        assertThat(detailedProvider("stub-probe").get("breaker").asText()).isEqualTo("closed");
    }

    @Test
    void detailedHealthShowsRecentCallsOfAProvider() {
        postJson("/v1/chat/completions", CHAT.replace("breaker-then-b", "stub-b/model-b"));

        JsonNode provider = detailedProvider("stub-b");
        assertThat(provider.at("/recent/calls").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(provider.at("/recent/success_rate").isNumber()).isTrue();
        assertThat(provider.at("/recent/time_to_first_token_ms/p50").isNumber()).isTrue();
        assertThat(provider.at("/recent/time_to_first_token_ms/p95").isNumber()).isTrue();
        assertThat(provider.at("/recent/latency_ms/p50").isNumber()).isTrue();
        assertThat(provider.get("breaker").asText()).isEqualTo("closed");
    }

    @Test
    void detailedHealthNeedsTheAdminKey() {
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health/detailed")).GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(error(anonymous).get("type").asText()).isEqualTo("authentication_error");

        HttpResponse<String> user = get("/health/detailed");
        assertThat(user.statusCode()).isEqualTo(403);
        assertThat(user.body()).doesNotContain("stub-breaker");
    }

    private JsonNode detailedProvider(String name) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health/detailed"))
                .header("Authorization", "Bearer " + ADMIN_KEY).GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("sk-test-");
        for (JsonNode provider : json(response.body()).get("providers")) {
            if (provider.get("name").asText().equals(name)) {
                return provider;
            }
        }
        throw new AssertionError(name + " is not in /health/detailed: " + response.body());
    }
}
