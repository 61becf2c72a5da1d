package dev.caravan.provider.gemini;

import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.JsonFixtures;
import dev.caravan.support.LiveStub;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Gemini adapter end to end: an OpenAI client against the gateway, a stub upstream speaking Gemini's
 * wire format, and failover from Gemini to an OpenAI-compatible provider.
 */
class GeminiRouteTest extends GatewayTestSupport {

    private static final String GENERATE = "/gemini/v1beta/models/gemini-test:generateContent";
    private static final String STREAM = "/gemini/v1beta/models/gemini-test:streamGenerateContent?alt=sse";

    private static void geminiAnswers(String url, int status, String body) {
        STUB.stubFor(WireMock.post(urlEqualTo(url)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json; charset=UTF-8").withBody(body)));
    }

    /** Sends a request fixture (written for the {@code smart} profile) to the stub Gemini provider. */
    private HttpResponse<String> callGemini(String fixture) {
        return postJson("/v1/chat/completions",
                JsonFixtures.text(fixture).replace("\"smart\"", "\"stub-gemini/gemini-test\""));
    }

    @Test
    void completionIsTranslatedBothWays() {
        geminiAnswers(GENERATE, 200, JsonFixtures.text("gemini/response-text.gemini.json"));

        HttpResponse<String> response = callGemini("gemini/request-text.openai.json");

        assertThat(response.statusCode()).isEqualTo(200);
        STUB.verify(postRequestedFor(urlEqualTo(GENERATE))
                .withHeader("x-goog-api-key", equalTo("gemini-test-key-0123456789"))
                .withHeader("Authorization", absent())
                .withRequestBody(equalToJson(JsonFixtures.text("gemini/request-text.gemini.json"))));
        JsonNode completion = json(response.body());
        JsonNode expected = JsonFixtures.json("gemini/response-text.openai.json");
        assertThat(completion.get("id")).isEqualTo(expected.get("id"));
        assertThat(completion.get("choices")).isEqualTo(expected.get("choices"));
        assertThat(withoutCost(completion.get("usage"))).isEqualTo(expected.get("usage"));
        assertThat(completion.at("/usage/cost").decimalValue()).isPositive();
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("stub-gemini");
    }

    @Test
    void functionCallsComeBackAsToolCallsAndToolResultsGoOutAsFunctionResponses() {
        geminiAnswers(GENERATE, 200, JsonFixtures.text("gemini/response-function-calls.gemini.json"));

        HttpResponse<String> response = callGemini("gemini/request-tools.openai.json");

        STUB.verify(postRequestedFor(urlEqualTo(GENERATE))
                .withRequestBody(equalToJson(JsonFixtures.text("gemini/request-tools.gemini.json"))));
        JsonNode choice = json(response.body()).at("/choices/0");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.at("/message/tool_calls")).isEqualTo(
                JsonFixtures.json("gemini/response-function-calls.openai.json").at("/choices/0/message/tool_calls"));
    }

    @Test
    void thoughtSignaturesMakeTheRoundTripThroughToolCallExtraContent() {
        geminiAnswers(GENERATE, 200, JsonFixtures.text("gemini/response-thought-signature.gemini.json"));

        HttpResponse<String> response = callGemini("gemini/request-thought-signatures.openai.json");

        assertThat(response.statusCode()).isEqualTo(200);
        STUB.verify(postRequestedFor(urlEqualTo(GENERATE))
                .withRequestBody(equalToJson(JsonFixtures.text("gemini/request-thought-signatures.gemini.json")))
                .withRequestBody(matchingJsonPath("$.contents[1].parts[0].thoughtSignature", equalTo("CiQBcsjafPx3Zsig-A0Q=="))));
        JsonNode message = json(response.body()).at("/choices/0/message");
        assertThat(message.at("/tool_calls/0/extra_content")).isEqualTo(
                JsonFixtures.parse("{\"google\":{\"thought_signature\":\"CiQBcsjafPx3Zsig-A0Q==\"}}"));
        assertThat(message.get("tool_calls")).isEqualTo(
                JsonFixtures.json("gemini/response-thought-signature.openai.json").at("/choices/0/message/tool_calls"));
    }

    @Test
    void aStreamedSignedCallReachesTheClientWithItsExtraContent() {
        STUB.stubFor(WireMock.post(urlEqualTo(STREAM)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(JsonFixtures.text("gemini/stream-thought-signature.sse"))));

        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"model\":\"stub-gemini/gemini-test\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = JsonFixtures.dataEvents(response.body());
        assertThat(json(events.get(0)).at("/choices/0/delta/tool_calls/0/extra_content/google/thought_signature").asText())
                .isEqualTo("CiQBcsjafPx3Zsig-S1g==");
        assertThat(events).endsWith("[DONE]");
    }

    @Test
    void streamGoesToStreamGenerateContentWithAltSse() {
        STUB.stubFor(WireMock.post(urlEqualTo(STREAM)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(JsonFixtures.text("gemini/stream-text.sse").replace("\n", "\r\n"))));

        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"model\":\"stub-gemini/gemini-test\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        STUB.verify(postRequestedFor(urlEqualTo(STREAM))
                .withHeader("x-goog-api-key", equalTo("gemini-test-key-0123456789"))
                .withRequestBody(equalToJson("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Why is the sky blue?\"}]}]}")));
        List<String> events = JsonFixtures.dataEvents(response.body());
        assertThat(events).endsWith("[DONE]");
        List<JsonNode> expected = JsonFixtures.jsonLines("gemini/stream-text.chunks.jsonl");
        assertThat(events).hasSize(expected.size() + 1);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode chunk = json(events.get(i));
            assertThat(chunk.get("choices")).isEqualTo(expected.get(i).get("choices"));
            assertThat(chunk.get("id").asText()).isEqualTo("abc123");
        }
        assertThat(withoutCost(json(events.get(expected.size() - 1)).get("usage"))).isEqualTo(expected.get(expected.size() - 1).get("usage"));
    }

    @Test
    void embeddingsGoToBatchEmbedContents() {
        geminiAnswers("/gemini/v1beta/models/embedding-test:batchEmbedContents", 200,
                JsonFixtures.text("gemini/embeddings-response.gemini.json"));

        HttpResponse<String> response = postJson("/v1/embeddings", JsonFixtures.text("gemini/embeddings.openai.json")
                .replace("gemini/text-embedding-004", "stub-gemini/embedding-test"));

        assertThat(response.statusCode()).isEqualTo(200);
        STUB.verify(postRequestedFor(urlEqualTo("/gemini/v1beta/models/embedding-test:batchEmbedContents"))
                .withRequestBody(equalToJson(JsonFixtures.text("gemini/embeddings.gemini.json")
                        .replace("models/text-embedding-004", "models/embedding-test"))));
        JsonNode list = json(response.body());
        assertThat(list.get("object").asText()).isEqualTo("list");
        assertThat(list.at("/data/1/embedding")).isEqualTo(JsonFixtures.parse("[0.5,-0.25,1.0]"));
        assertThat(list.at("/usage/prompt_tokens").asInt()).isPositive();
    }

    @Test
    void rateLimitedGeminiFailsOverToAnOpenAiCompatibleProvider() {
        geminiAnswers(GENERATE, 429, JsonFixtures.text("gemini/error-resource-exhausted.json"));
        STUB.stubFor(WireMock.post(urlEqualTo("/b/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"chatcmpl-b\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"model-b\","
                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"B here\"},"
                        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}")));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"gemini-then-b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("B here");
        assertThat(response.headers().firstValue("x-caravan-attempts")).hasValue("2");
    }

    @Test
    void rateLimitedGeminiFailsOverForAStreamToo() {
        geminiAnswers(STREAM, 429, JsonFixtures.text("gemini/error-resource-exhausted.json"));
        STUB.stubFor(WireMock.post(urlEqualTo("/b/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"id\":\"chatcmpl-b\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"model-b\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Streamed by B\"},"
                        + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"gemini-then-b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("stub-b");
        assertThat(response.headers().firstValue("x-caravan-attempts")).hasValue("2");
        List<String> events = JsonFixtures.dataEvents(response.body());
        assertThat(json(events.get(0)).at("/choices/0/delta/content").asText()).isEqualTo("Streamed by B");
        assertThat(events).endsWith("[DONE]");
    }

    @Test
    void anInvalidKeyIsA401WithoutFailover() {
        geminiAnswers(GENERATE, 400, JsonFixtures.text("gemini/error-api-key.json"));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"gemini-then-b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode error = error(response);
        assertThat(error.get("type").asText()).isEqualTo("authentication_error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
        STUB.verify(0, postRequestedFor(urlPathEqualTo("/b/v1/chat/completions")));
    }

    @Test
    void anImageUrlGeminiCannotTakeIsRefusedWith400() {
        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"model\":\"stub-gemini/gemini-test\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("param").asText()).isEqualTo("messages[0].content[0].image_url.url");
        STUB.verify(0, postRequestedFor(urlPathEqualTo(GENERATE)));
    }

    @Test
    void aStreamThatBreaksMidWayEndsWithAnErrorEventAndNoDone() {
        LIVE.handle(exchange -> {
            OutputStream out = LiveStub.startEventStream(exchange);
            LiveStub.event(out, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"The\"}],\"role\":\"model\"},\"index\":0}],"
                    + "\"responseId\":\"live-1\"}");
            throw new IllegalStateException("upstream crashed");
        });

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"stub-gemini-live/gemini-live\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        List<String> events = JsonFixtures.dataEvents(response.body());
        assertThat(json(events.get(0)).at("/choices/0/delta/content").asText()).isEqualTo("The");
        assertThat(json(events.get(events.size() - 1)).at("/error/code").asText()).isEqualTo("upstream_stream_error");
        assertThat(events).doesNotContain("[DONE]");
    }


    /** The usage as the provider reported it, without the cost Caravan adds (checked on its own). */
    private static com.fasterxml.jackson.databind.JsonNode withoutCost(com.fasterxml.jackson.databind.JsonNode usage) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = usage.deepCopy();
        copy.remove("cost");
        return copy;
    }
}
