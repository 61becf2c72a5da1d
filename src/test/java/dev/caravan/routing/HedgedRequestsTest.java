package dev.caravan.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import dev.caravan.support.SseClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Hedged requests (test-routes/strategy-profiles.yaml, load balancer {@code hedged}): a first provider that has not
 * begun to answer within its hedgeAfter gets the next one started beside it; the first answer wins, the other
 * attempt's upstream request is reset, the ledger records it as hedge_cancelled, and the client pays once.
 */
class HedgedRequestsTest extends GatewayTestSupport {

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private CircuitBreakerRegistry breakers;

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private void answer(String path, String content, int delayMillis) {
        STUB.stubFor(post("/" + path + "/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withFixedDelay(delayMillis).withHeader("Content-Type", "application/json")
                .withBody(OpenAiFixtures.completion("model-" + path, content))));
    }

    private HttpResponse<String> call(String body, String clientRequestId) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + userKey)
                .header("x-request-id", clientRequestId)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private List<Map<String, Object>> ledgerRows(String clientRequestId) {
        return jdbc.queryForList("select * from usage_ledger where client_request_id = ? order by request_id",
                clientRequestId);
    }

    private List<Map<String, Object>> charges(String requestIdPrefix) {
        return jdbc.queryForList("select request_id, amount from wallet_transactions where kind = 'charge' "
                + "and request_id like ?", requestIdPrefix + "%");
    }

    @Test
    void theFasterAnswerWinsAndTheSlowerIsRecordedNotCharged() {
        answer("a", "from a", 1_000);
        answer("b", "from b", 0);
        String clientRequestId = "hedge-" + UUID.randomUUID();

        HttpResponse<String> response = call(chat("hedged-ab", false), clientRequestId);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("from b");
        assertThat(response.headers().firstValue("x-caravan-provider")).contains("stub-b");
        assertThat(response.headers().firstValue("x-caravan-attempts")).contains("2");
        STUB.verify(1, postRequestedFor(urlEqualTo("/a/v1/chat/completions")));
        STUB.verify(1, postRequestedFor(urlEqualTo("/b/v1/chat/completions")));

        await("the call's two ledger rows").atMost(Duration.ofSeconds(15))
                .until(() -> ledgerRows(clientRequestId).size() == 2);
        List<Map<String, Object>> rows = ledgerRows(clientRequestId);
        Map<String, Object> winner = rows.get(0);
        Map<String, Object> loser = rows.get(1);
        String requestId = (String) winner.get("request_id");
        assertThat(winner.get("provider")).isEqualTo("stub-b");
        assertThat(winner.get("outcome")).isEqualTo("completed");
        assertThat((BigDecimal) winner.get("cost")).isPositive();
        assertThat(loser.get("request_id")).isEqualTo(requestId + "-hedge-1");
        assertThat(loser.get("provider")).isEqualTo("stub-a");
        assertThat(loser.get("model")).isEqualTo("model-a");
        assertThat(loser.get("outcome")).isEqualTo("hedge_cancelled");
        assertThat((BigDecimal) loser.get("cost")).isZero();
        assertThat(loser.get("prompt_tokens")).isEqualTo(12L);

        await("the call's charge").atMost(Duration.ofSeconds(15)).until(() -> !charges(requestId).isEmpty());
        List<Map<String, Object>> charged = charges(requestId);
        assertThat(charged).hasSize(1);
        assertThat(charged.get(0).get("request_id")).isEqualTo(requestId);
        assertThat(((BigDecimal) charged.get(0).get("amount")).negate().abs())
                .isEqualByComparingTo((BigDecimal) winner.get("cost"));
    }

    @Test
    void aSilentFirstProviderIsHedgedAndItsRequestReset() {
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(OpenAiFixtures.stream("model-b", "Hel", "lo"))));
        int closedBefore = SILENT.closedByGateway();
        int requestsBefore = SILENT.requests();
        String clientRequestId = "hedge-" + UUID.randomUUID();

        HttpResponse<String> response = call(chat("hedged-hush", true), clientRequestId);

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = SseClient.dataEvents(response.body());
        assertThat(events).contains(OpenAiFixtures.chunk("model-b", "Hel"), OpenAiFixtures.chunk("model-b", "lo"));
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        assertThat(SILENT.requests()).isEqualTo(requestsBefore + 1);
        // stub-hush waits 60 s for an answer: only the hedge's cancellation closes its connection this soon
        await("the silent upstream sees its request reset").atMost(Duration.ofSeconds(5))
                .until(() -> SILENT.closedByGateway() == closedBefore + 1);

        await("the call's two ledger rows").atMost(Duration.ofSeconds(15))
                .until(() -> ledgerRows(clientRequestId).size() == 2);
        List<Map<String, Object>> rows = ledgerRows(clientRequestId);
        assertThat(rows.get(0).get("provider")).isEqualTo("stub-b");
        assertThat(rows.get(1).get("provider")).isEqualTo("stub-hush");
        assertThat(rows.get(1).get("outcome")).isEqualTo("hedge_cancelled");
        String requestId = (String) rows.get(0).get("request_id");
        await("the call's charge").atMost(Duration.ofSeconds(15)).until(() -> !charges(requestId).isEmpty());
        assertThat(charges(requestId)).hasSize(1);

        // a cancelled attempt is not the provider's failure: its breaker did not count it
        CircuitBreaker hush = breakers.getAllCircuitBreakers().stream()
                .filter(breaker -> breaker.getName().startsWith("stub-hush")).findFirst().orElseThrow();
        assertThat(hush.getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void aFirstProviderThatAnswersInTimeIsNotHedged() {
        answer("a", "from a", 0);
        answer("b", "from b", 0);
        String clientRequestId = "hedge-" + UUID.randomUUID();

        HttpResponse<String> response = call(chat("hedged-ab", false), clientRequestId);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("from a");
        assertThat(response.headers().firstValue("x-caravan-attempts")).contains("1");
        STUB.verify(0, postRequestedFor(urlEqualTo("/b/v1/chat/completions")));
        await("the call's ledger row").atMost(Duration.ofSeconds(15)).until(() -> ledgerRows(clientRequestId).size() == 1);
        assertThat(ledgerRows(clientRequestId).get(0).get("provider")).isEqualTo("stub-a");
    }

    @Test
    void aHedgeThatFailsLeavesTheFirstAttemptToAnswer() {
        answer("a", "from a", 400);
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(500)
                .withBody(OpenAiFixtures.error("server_error", "boom", null))));
        String clientRequestId = "hedge-" + UUID.randomUUID();

        HttpResponse<String> response = call(chat("hedged-ab", false), clientRequestId);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("from a");
        STUB.verify(1, postRequestedFor(urlEqualTo("/b/v1/chat/completions")));
        await("the call's ledger row").atMost(Duration.ofSeconds(15)).until(() -> ledgerRows(clientRequestId).size() == 1);
        Map<String, Object> row = ledgerRows(clientRequestId).get(0);
        assertThat(row.get("provider")).isEqualTo("stub-a");
        assertThat(row.get("attempts")).isEqualTo(2);
    }

    @Test
    void aFirstProviderThatFailsFailsOverAtOnce() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(503)
                .withBody(OpenAiFixtures.error("server_error", "down", null))));
        answer("b", "from b", 0);

        HttpResponse<String> response = call(chat("hedged-ab", false), "hedge-" + UUID.randomUUID());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("from b");
        assertThat(response.headers().firstValue("x-caravan-attempts")).contains("2");
    }
}
