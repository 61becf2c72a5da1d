package dev.caravan.api;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import dev.caravan.support.SseClient;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAI-compatible path end to end: what goes upstream, what comes back, and which headers cross. */
class ChatCompletionsProxyTest extends GatewayTestSupport {

    /** A request that uses every kind of field a client may send; all of it must reach the provider. */
    private static final String FULL_REQUEST = """
            {"model":"ab","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"user","content":[{"type":"text","text":"What is in this image?"},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                "function":{"name":"lookup","arguments":"{\\"q\\":\\"cat\\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"a cat"}],
             "tools":[{"type":"function","function":{"name":"lookup","description":"Look up",
               "parameters":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}}}],
             "tool_choice":"auto","response_format":{"type":"json_object"},"seed":42,"logprobs":true,
             "top_logprobs":2,"n":1,"stop":["END"],"user":"user-7","temperature":0.3,"top_p":0.9,
             "max_tokens":50,"presence_penalty":0.1,"frequency_penalty":0.2,"logit_bias":{"50256":-100},
             "parallel_tool_calls":false,"metadata":{"k":"v"},"x_vendor_extension":{"keep":[1,2.5,"three"]}}""";

    @Test
    void nonStreamingRequestGoesUpstreamUntouchedExceptTheModel() throws Exception {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("openai-organization", "org-upstream-secret")
                .withHeader("Set-Cookie", "upstream=1")
                .withBody(OpenAiFixtures.completion("model-a", "It is a cat."))));

        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + userKey)
                .header("Cookie", "session=client")
                .header("x-request-id", "client-req-1")
                .POST(HttpRequest.BodyPublishers.ofString(FULL_REQUEST)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        // the provider's answer reaches the client as written, with only the cost added to its usage
        // (stub-a/model-a is not in the price table: the default $10 / $30 per million applies)
        assertThat(response.body()).isEqualTo(OpenAiFixtures.completion("model-a", "It is a cat.")
                .replace("\"cached_tokens\":0}}", "\"cached_tokens\":0},\"cost\":0.00027}"));
        assertThat(response.headers().firstValue("x-caravan-cost")).contains("0.00027");
        assertThat(response.headers().firstValue("x-request-id")).contains("client-req-1");
        assertThat(response.headers().firstValue("x-caravan-provider")).contains("stub-a");
        assertThat(response.headers().firstValue("x-caravan-model")).contains("model-a");
        assertThat(response.headers().firstValue("x-caravan-attempts")).contains("1");
        assertThat(response.headers().map()).doesNotContainKeys("openai-organization", "set-cookie");

        ObjectNode expectedUpstream = (ObjectNode) json(FULL_REQUEST);
        expectedUpstream.put("model", "model-a");
        STUB.verify(postRequestedFor(urlEqualTo("/a/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-test-a-0123456789"))
                .withoutHeader("X-API-Key")
                .withoutHeader("Cookie")
                .withoutHeader("x-request-id")
                .withRequestBody(equalToJson(expectedUpstream.toString(), false, false)));
    }

    @Test
    void profileStepCanNameItsOwnUpstreamModel() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(500)));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-b-large", "hi"))));

        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"model\":\"ab\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-model")).contains("model-b-large");
        STUB.verify(postRequestedFor(urlEqualTo("/b/v1/chat/completions"))
                .withRequestBody(equalToJson("{\"model\":\"model-b-large\"}", true, true)));
    }

    @Test
    void rawProviderModelIdsGoStraightToThatProvider() {
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("org/some-model:7b", "hi"))));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"stub-b/org/some-model:7b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).contains("stub-b");
        assertThat(response.headers().map()).doesNotContainKey("x-caravan-profile");
        STUB.verify(postRequestedFor(urlEqualTo("/b/v1/chat/completions"))
                .withRequestBody(equalToJson("{\"model\":\"org/some-model:7b\"}", true, true)));
    }

    @Test
    void streamIsPassedOnEventByEventAndUsageIsOnlyShownWhenAskedFor() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(OpenAiFixtures.stream("model-a", "Hel", "lo"))));

        HttpResponse<String> plain = postJson("/v1/chat/completions",
                "{\"model\":\"ab\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<String> events = SseClient.dataEvents(plain.body());
        assertThat(events).hasSize(5);
        assertThat(events.get(1)).isEqualTo(OpenAiFixtures.chunk("model-a", "Hel"));
        assertThat(events.get(2)).isEqualTo(OpenAiFixtures.chunk("model-a", "lo"));
        assertThat(events).noneMatch(e -> e.contains("\"prompt_tokens\""));
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        // usage is always asked of the provider, so every stream can be metered
        STUB.verify(postRequestedFor(urlEqualTo("/a/v1/chat/completions"))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(equalToJson("{\"stream\":true,\"stream_options\":{\"include_usage\":true}}", true, true)));

        HttpResponse<String> withUsage = postJson("/v1/chat/completions", "{\"model\":\"ab\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        List<String> usageEvents = SseClient.dataEvents(withUsage.body());
        assertThat(usageEvents).hasSize(6);
        JsonNode usage = json(usageEvents.get(4)).get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(12);
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void businessErrorOfTheProviderReachesTheClientAsIs() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody(OpenAiFixtures.error("invalid_request_error", "Invalid value for 'temperature'.", "invalid_value"))));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"ab\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = error(response);
        assertThat(error.get("message").asText()).isEqualTo("Invalid value for 'temperature'.");
        assertThat(error.get("code").asText()).isEqualTo("invalid_value");
        STUB.verify(0, postRequestedFor(urlEqualTo("/b/v1/chat/completions")));
    }

    @Test
    void keysEchoedInProviderErrorsAreRedacted() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody(OpenAiFixtures.error("invalid_request_error",
                        "Incorrect API key provided: sk-test-a-0123456789.", "invalid_api_key"))));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"ab\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).doesNotContain("sk-test-a-0123456789").contains("[redacted]");
    }

    @Test
    void theAnswerIsFinishedOnTheEventLoopThatReadTheProviderWithTheCallsRequestId() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "Hi."))));
        // the upstream call holds no thread: its answer is read on a Vert.x event loop, and the rest of the route
        // (write, finish, the ledger's wire tap) runs there, the access line naming its call all the same
        assertThat(threadOfTheAccessLine("thread-" + System.nanoTime(), response -> { }))
                .startsWith("vert.x-eventloop-thread-");
    }

    @Test
    void anAnswerWithoutUsageIsCountedOffTheEventLoop() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id":"chatcmpl-1","object":"chat.completion","created":1731000000,"model":"model-a",\
                        "choices":[{"index":0,"message":{"role":"assistant","content":"Counted by the gateway."},\
                        "finish_reason":"stop"}]}""")));
        // the tokenizer ran on a request thread: the rest of the call (finish, access line) went on there
        assertThat(threadOfTheAccessLine("counted-" + System.nanoTime(),
                response -> assertThat(response.body()).contains("\"completion_tokens\"")))
                .startsWith("request").doesNotContain("eventloop");
    }

    /** Makes one call to stub-a (a 200 checked, then {@code check}) and answers the thread its access line came from. */
    private String threadOfTheAccessLine(String requestId, Consumer<HttpResponse<String>> check) {
        Logger access = (Logger) LoggerFactory.getLogger("caravan.access");
        List<ILoggingEvent> lines = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> recorder = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                lines.add(event);
            }
        };
        recorder.start();
        access.addAppender(recorder);
        try {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + userKey)
                    .header("x-request-id", requestId)
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"stub-a/model-a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build());
            assertThat(response.statusCode()).isEqualTo(200);
            check.accept(response);
        } finally {
            access.detachAppender(recorder);
        }
        return lines.stream().filter(line -> requestId.equals(line.getMDCPropertyMap().get("requestId")))
                .map(ILoggingEvent::getThreadName).reduce((a, b) -> {
                    throw new AssertionError("more than one access line for " + requestId);
                }).orElseThrow(() -> new AssertionError("no access line for " + requestId));
    }
}
