package dev.caravan.routing;

import java.net.http.HttpResponse;
import java.util.List;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Retries within a provider (stub-retry: 2 retries, Retry-After honoured up to 3 s) before the failover moves on. */
class RetryTest extends GatewayTestSupport {

    private static final String PATH = "/retry/v1/chat/completions";
    private static final String CHAT = "{\"model\":\"stub-retry/model-retry\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aFailingProviderIsTriedExactlyOnceMoreForEachRetry() {
        STUB.stubFor(post(PATH).willReturn(aResponse().withStatus(503)));

        HttpResponse<String> response = postJson("/v1/chat/completions", CHAT);

        assertThat(response.statusCode()).isEqualTo(502);
        STUB.verify(3, postRequestedFor(urlEqualTo(PATH)));
        assertThat(response.headers().firstValue("x-caravan-attempts")).contains("3");
    }

    @Test
    void aRetryThatSucceedsAnswersTheCall() {
        STUB.stubFor(post(PATH).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("recovered"));
        STUB.stubFor(post(PATH).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(OpenAiFixtures.completion("model-retry", "second time"))));

        HttpResponse<String> response = postJson("/v1/chat/completions", CHAT);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("second time");
        STUB.verify(2, postRequestedFor(urlEqualTo(PATH)));
        assertThat(response.headers().firstValue("x-caravan-attempts")).contains("2");
    }

    @Test
    void retryAfterIsHonoured() {
        STUB.stubFor(post(PATH).inScenario("limited").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("free"));
        STUB.stubFor(post(PATH).inScenario("limited").whenScenarioStateIs("free")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(OpenAiFixtures.completion("model-retry", "after waiting"))));

        HttpResponse<String> response = postJson("/v1/chat/completions", CHAT);

        assertThat(response.statusCode()).isEqualTo(200);
        List<LoggedRequest> requests = STUB.findAll(postRequestedFor(urlEqualTo(PATH)));
        assertThat(requests).hasSize(2);
        long waitedMillis = Math.abs(requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime());
        // the backoff alone is at most 20 ms here: only Retry-After explains a second's wait
        assertThat(waitedMillis).isGreaterThanOrEqualTo(950);
    }

    @Test
    void retryAfterBeyondTheCapMovesOnWithoutRetrying() {
        STUB.stubFor(post(PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")));

        HttpResponse<String> response = postJson("/v1/chat/completions", CHAT);

        assertThat(response.statusCode()).isEqualTo(429);
        STUB.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void businessErrorsAreNotRetried() {
        STUB.stubFor(post(PATH).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody(OpenAiFixtures.error("invalid_request_error", "bad", null))));

        HttpResponse<String> response = postJson("/v1/chat/completions", CHAT);

        assertThat(response.statusCode()).isEqualTo(400);
        STUB.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }
}
