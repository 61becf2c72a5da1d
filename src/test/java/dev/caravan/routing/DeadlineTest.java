package dev.caravan.routing;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.LiveStub;
import dev.caravan.support.OpenAiFixtures;
import dev.caravan.support.SseClient;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deadlines of a provider call: the first-byte deadline (failover, and the slow request is reset), the idle
 * timeout between stream events (an error event and a ledger row), and the total deadline across all attempts.
 */
class DeadlineTest extends GatewayTestSupport {

    @Test
    void firstByteDeadlineFailsOverAndResetsTheSlowRequest() {
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-b", "from b"))));
        int closedBefore = SILENT.closedByGateway();
        int requestsBefore = SILENT.requests();

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"silent-then-b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        // stub-silent's firstByteTimeout is 500 ms (its idle timeout 10 s): the failover did not wait for the latter
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).contains("stub-b");
        assertThat(response.headers().firstValue("x-caravan-attempts")).contains("2");
        assertThat(SILENT.requests()).isEqualTo(requestsBefore + 1);
        await("the silent upstream sees its connection closed").atMost(Duration.ofSeconds(5))
                .until(() -> SILENT.closedByGateway() == closedBefore + 1);
    }

    @Test
    void idleTimeoutMidStreamEndsWithAnErrorEventAndALedgerRow() {
        CountDownLatch answered = new CountDownLatch(1);
        LIVE.handle(exchange -> {
            OutputStream out = LiveStub.startEventStream(exchange);
            LiveStub.event(out, OpenAiFixtures.chunk("model-idle", "Hello"));
            // then silence, far beyond stub-idle's idleTimeout of 300 ms, until the test has its answer
            answered.await(10, TimeUnit.SECONDS);
        });
        String requestId = "idle-" + UUID.randomUUID();

        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + userKey)
                .header("x-request-id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"stub-idle/model-idle\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());

        answered.countDown();
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = SseClient.dataEvents(response.body());
        assertThat(events.get(0)).isEqualTo(OpenAiFixtures.chunk("model-idle", "Hello"));
        assertThat(events.get(events.size() - 1)).contains("\"error\"").contains("\"type\"");
        assertThat(events).doesNotContain("[DONE]");
        await("the ledger row of the cut stream").atMost(Duration.ofSeconds(15)).until(() -> !ledgerRows(requestId).isEmpty());
        Map<String, Object> row = ledgerRows(requestId).get(0);
        assertThat(row.get("provider")).isEqualTo("stub-idle");
        assertThat(row.get("outcome")).isEqualTo("upstream_error");
    }

    @Test
    void totalDeadlineIsNeverExceeded() {
        // both providers answer after 4 s; each would time out at its own first-byte deadline of 1.5 s, so the two
        // attempts alone would take 3 s: the profile's deadline of 2 s ends the call first
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200).withFixedDelay(4000)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "late"))));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200).withFixedDelay(4000)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-b", "late"))));

        long started = System.nanoTime();
        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"deadline-ab\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(error(response).get("code").asText()).isEqualTo("upstream_timeout");
        assertThat(tookMillis).isLessThan(2800);
    }

    private List<Map<String, Object>> ledgerRows(String clientRequestId) {
        return jdbc.queryForList("select * from usage_ledger where client_request_id = ?", clientRequestId);
    }
}
