package dev.caravan.routing;

import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import dev.caravan.support.SseClient;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failover rule of a profile ({@code ab} = stub-a then stub-b): technical failures move on, business
 * errors do not; when every provider fails the status says why.
 */
class FailoverTest extends GatewayTestSupport {

    private static final String CHAT = "{\"model\":\"ab\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = "{\"model\":\"ab\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private void bAnswers() {
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-b-large", "from b"))));
    }

    private void assertAnsweredByB(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("from b");
        assertThat(response.headers().firstValue("x-caravan-provider")).contains("stub-b");
        assertThat(response.headers().firstValue("x-caravan-attempts")).contains("2");
    }

    @Test
    void serverErrorFailsOver() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(500)
                .withBody(OpenAiFixtures.error("server_error", "boom", null))));
        bAnswers();
        assertAnsweredByB(postJson("/v1/chat/completions", CHAT));
    }

    @Test
    void rateLimitFailsOver() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "3").withBody(OpenAiFixtures.error("rate_limit_error", "slow down", null))));
        bAnswers();
        assertAnsweredByB(postJson("/v1/chat/completions", CHAT));
    }

    @Test
    void timeoutFailsOver() {
        // stub-a's timeout is 1.5 s
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200).withFixedDelay(4000)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "late"))));
        bAnswers();
        assertAnsweredByB(postJson("/v1/chat/completions", CHAT));
    }

    @Test
    void refusedConnectionFailsOver() {
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-b", "from b"))));
        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"down-then-b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertAnsweredByB(response);
    }

    @Test
    void unconfiguredProviderIsSkippedWithoutCountingAsAnAttempt() {
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-b", "from b"))));
        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"nokey-then-b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-attempts")).contains("1");
        STUB.verify(0, postRequestedFor(urlEqualTo("/nokey/v1/chat/completions")));
    }

    @Test
    void badRequestDoesNotFailOver() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody(OpenAiFixtures.error("invalid_request_error", "bad tools", null))));
        bAnswers();
        HttpResponse<String> response = postJson("/v1/chat/completions", CHAT);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("message").asText()).isEqualTo("bad tools");
        STUB.verify(0, postRequestedFor(urlEqualTo("/b/v1/chat/completions")));
    }

    @Test
    void notFoundAndContentPolicyDoNotFailOver() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody(OpenAiFixtures.error("invalid_request_error", "The model does not exist", "model_not_found"))));
        bAnswers();
        HttpResponse<String> notFound = postJson("/v1/chat/completions", CHAT);
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(error(notFound).get("code").asText()).isEqualTo("model_not_found");

        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody(OpenAiFixtures.error("invalid_request_error", "Your request was rejected by the safety system", "content_policy_violation"))));
        HttpResponse<String> policy = postJson("/v1/chat/completions", CHAT);
        assertThat(policy.statusCode()).isEqualTo(400);
        assertThat(error(policy).get("code").asText()).isEqualTo("content_policy_violation");
        STUB.verify(0, postRequestedFor(urlEqualTo("/b/v1/chat/completions")));
    }

    @Test
    void everyProviderFailingIs502() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(503)));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(500)));
        HttpResponse<String> response = postJson("/v1/chat/completions", CHAT);
        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode error = error(response);
        assertThat(error.get("type").asText()).isEqualTo("api_error");
        assertThat(error.get("code").asText()).isEqualTo("upstream_error");
        assertThat(response.headers().firstValue("x-caravan-attempts")).contains("2");
    }

    @Test
    void everyProviderRateLimitingIs429() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(429)));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(429)));
        HttpResponse<String> response = postJson("/v1/chat/completions", CHAT);
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(error(response).get("type").asText()).isEqualTo("rate_limit_error");
    }

    @Test
    void upstreamTimeoutWithoutAnotherProviderIs504() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200).withFixedDelay(4000)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "late"))));
        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"stub-a/model-a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(error(response).get("code").asText()).isEqualTo("upstream_timeout");
    }

    @Test
    void profileWithNoConfiguredProviderIs503() {
        // the shipped `local` profile uses Ollama, which is off unless OLLAMA_ENABLED=true
        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"local\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(error(response).get("code").asText()).isEqualTo("provider_unavailable");
    }

    @Test
    void streamFailsOverBeforeTheFirstByte() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(502)));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(OpenAiFixtures.stream("model-b-large", "from", " b"))));

        HttpResponse<String> response = postJson("/v1/chat/completions", STREAM);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).contains("stub-b");
        List<String> events = SseClient.dataEvents(response.body());
        assertThat(events).contains(OpenAiFixtures.chunk("model-b-large", "from")).endsWith("[DONE]");
    }

    @Test
    void streamWhoseFirstEventIsAnErrorFailsOver() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: " + OpenAiFixtures.error("server_error", "overloaded", null) + "\n\n")));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(OpenAiFixtures.stream("model-b-large", "ok"))));

        HttpResponse<String> response = postJson("/v1/chat/completions", STREAM);

        assertThat(response.headers().firstValue("x-caravan-provider")).contains("stub-b");
        assertThat(SseClient.dataEvents(response.body())).endsWith("[DONE]");
    }

    @Test
    void streamCutBeforeItsFirstEventFailsOver() {
        // the head and half an event, then the connection is dropped: no event was ever complete
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withFault(com.github.tomakehurst.wiremock.http.Fault.MALFORMED_RESPONSE_CHUNK)));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(OpenAiFixtures.stream("model-b-large", "ok"))));

        HttpResponse<String> response = postJson("/v1/chat/completions", STREAM);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).contains("stub-b");
        assertThat(SseClient.dataEvents(response.body())).endsWith("[DONE]");
    }
}
