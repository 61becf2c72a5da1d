package dev.caravan.metrics;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's meters after known calls, exact: profile {@code ab} is stub-a then stub-b, stub-a fails with 500
 * and stub-b answers with the fixture's 12 prompt and 5 completion tokens.
 */
class CallMetricsTest extends GatewayTestSupport {

    private static final String CHAT = "{\"model\":\"ab\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Autowired
    MeterRegistry meters;

    @Test
    void aFailedOverCallCountsItsRequestTokensCostFailoverAndTimes() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(500)
                .withBody(OpenAiFixtures.error("server_error", "boom", null))));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(OpenAiFixtures.completion("model-b-large", "from b"))));
        double requests = count("caravan.requests", "profile", "ab", "provider", "stub-b", "model", "model-b-large",
                "status", "200", "outcome", "completed");
        double failovers = count("caravan.failovers", "profile", "ab", "provider", "stub-a");
        double prompt = count("caravan.tokens", "profile", "ab", "provider", "stub-b", "type", "prompt");
        double completion = count("caravan.tokens", "profile", "ab", "provider", "stub-b", "type", "completion");
        double cost = count("caravan.cost", "profile", "ab", "provider", "stub-b");
        long durations = timerCount("caravan.request.duration", "profile", "ab", "provider", "stub-b");
        long firstTokens = timerCount("caravan.time.to.first.token", "profile", "ab", "provider", "stub-b");

        BigDecimal charged = BigDecimal.ZERO;
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = postJson("/v1/chat/completions", CHAT);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-caravan-provider")).contains("stub-b");
            charged = charged.add(new BigDecimal(response.headers().firstValue("x-caravan-cost").orElseThrow()));
        }

        // the call is counted by the step after its answer went out: wait for the third
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(count("caravan.requests", "profile", "ab", "provider", "stub-b", "model", "model-b-large",
                        "status", "200", "outcome", "completed") - requests).isEqualTo(3));
        assertThat(count("caravan.failovers", "profile", "ab", "provider", "stub-a") - failovers).isEqualTo(3);
        assertThat(count("caravan.tokens", "profile", "ab", "provider", "stub-b", "type", "prompt") - prompt)
                .isEqualTo(36);
        assertThat(count("caravan.tokens", "profile", "ab", "provider", "stub-b", "type", "completion") - completion)
                .isEqualTo(15);
        assertThat(charged.signum()).isPositive();
        assertThat(count("caravan.cost", "profile", "ab", "provider", "stub-b") - cost)
                .isCloseTo(charged.doubleValue(), within(1e-9));
        assertThat(timerCount("caravan.request.duration", "profile", "ab", "provider", "stub-b") - durations)
                .isEqualTo(3);
        assertThat(timerCount("caravan.time.to.first.token", "profile", "ab", "provider", "stub-b") - firstTokens)
                .isEqualTo(3);
    }

    @Test
    void aStreamCountsItsFirstTokenWhenItsFirstEventWentOut() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(OpenAiFixtures.stream("model-a", "Hel", "lo"))));
        long firstTokens = timerCount("caravan.time.to.first.token", "profile", "ab", "provider", "stub-a");
        double completion = count("caravan.tokens", "profile", "ab", "provider", "stub-a", "type", "completion");

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"ab\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("data: [DONE]");
        // a stream is counted once it ended, after its last event went out
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(timerCount("caravan.time.to.first.token", "profile", "ab", "provider", "stub-a")
                        - firstTokens).isEqualTo(1));
        assertThat(count("caravan.tokens", "profile", "ab", "provider", "stub-a", "type", "completion") - completion)
                .isEqualTo(3);
    }

    @Test
    void aRefusedCallIsCountedWithoutProfileOrProvider() {
        double refused = count("caravan.requests", "profile", "none", "provider", "none", "status", "401");

        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer cvn_live_NotAKey")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build());

        assertThat(response.statusCode()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(count("caravan.requests", "profile", "none", "provider", "none", "status", "401") - refused)
                        .isEqualTo(1));
    }

    @Test
    void noMeterIsTaggedWithAKeyAUserOrTheModelAClientTyped() {
        postJson("/v1/chat/completions", "{\"model\":\"no-such-model-typed-by-a-client\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        meters.getMeters().stream()
                .filter(meter -> meter.getId().getName().startsWith("caravan."))
                .forEach(meter -> {
                    assertThat(meter.getId().getTags()).noneMatch(tag -> tag.getKey().contains("key")
                            || tag.getKey().contains("user"));
                    assertThat(meter.getId().getTags()).noneMatch(tag ->
                            tag.getValue().equals("no-such-model-typed-by-a-client"));
                });
    }

    /** The sum of the counters named {@code name} with these tags (others may differ). */
    private double count(String name, String... tags) {
        return meters.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    private long timerCount(String name, String... tags) {
        return meters.find(name).tags(tags).timers().stream().mapToLong(Timer::count).sum();
    }
}
