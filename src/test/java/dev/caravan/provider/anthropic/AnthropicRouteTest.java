package dev.caravan.provider.anthropic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Anthropic adapter end to end: an OpenAI client against the gateway, a stub upstream speaking
 * Anthropic's wire format, and failover from Anthropic to an OpenAI-compatible provider.
 */
class AnthropicRouteTest extends GatewayTestSupport {

    private static final String MESSAGES = "/anthropic/v1/messages";

    private static void anthropicAnswers(int status, String body) {
        STUB.stubFor(WireMock.post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static void anthropicStreams(String sse) {
        STUB.stubFor(WireMock.post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream; charset=utf-8").withBody(sse)));
    }

    @Test
    void completionIsTranslatedBothWays() {
        anthropicAnswers(200, JsonFixtures.text("anthropic/response-text.anthropic.json"));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                JsonFixtures.text("anthropic/request-text.openai.json").replace("\"smart\"", "\"stub-anthropic/claude-test\""));

        assertThat(response.statusCode()).isEqualTo(200);
        STUB.verify(postRequestedFor(urlEqualTo(MESSAGES))
                .withHeader("x-api-key", equalTo("sk-ant-test-0123456789"))
                .withHeader("anthropic-version", equalTo("2023-06-01"))
                .withHeader("Authorization", absent())
                .withHeader("Content-Type", WireMock.containing("application/json"))
                .withRequestBody(equalToJson(JsonFixtures.text("anthropic/request-text.anthropic.json"))));
        JsonNode completion = json(response.body());
        JsonNode expected = JsonFixtures.json("anthropic/response-text.openai.json");
        assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.get("choices")).isEqualTo(expected.get("choices"));
        assertThat(withoutCost(completion.get("usage"))).isEqualTo(expected.get("usage"));
        assertThat(completion.at("/usage/cost").decimalValue()).isPositive();
        assertThat(completion.get("created").asLong()).isPositive();
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("stub-anthropic");
    }

    @Test
    void theRoutesMaxTokensIsSentWhenTheClientSetsNone() {
        anthropicAnswers(200, JsonFixtures.text("anthropic/response-text.anthropic.json"));

        postJson("/v1/chat/completions", "{\"model\":\"stub-anthropic/claude-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        STUB.verify(postRequestedFor(urlEqualTo(MESSAGES)).withRequestBody(equalToJson(
                "{\"model\":\"claude-test\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}")));
    }

    @Test
    void toolCallsComeBackAsOpenAiToolCalls() {
        anthropicAnswers(200, JsonFixtures.text("anthropic/response-tool-use.anthropic.json"));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                JsonFixtures.text("anthropic/request-tools.openai.json").replace("\"smart\"", "\"stub-anthropic/claude-test\""));

        assertThat(response.statusCode()).isEqualTo(200);
        STUB.verify(postRequestedFor(urlEqualTo(MESSAGES))
                .withRequestBody(equalToJson(JsonFixtures.text("anthropic/request-tools.anthropic.json"))));
        JsonNode choice = json(response.body()).at("/choices/0");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.at("/message/tool_calls/1/function/name").asText()).isEqualTo("get_time");
        assertThat(JsonFixtures.parse(choice.at("/message/tool_calls/0/function/arguments").asText()))
                .isEqualTo(JsonFixtures.parse("{\"location\":\"Paris, France\",\"unit\":\"celsius\"}"));
    }

    @Test
    void streamIsTranslatedToOpenAiChunksWithUsageAndDone() {
        anthropicStreams(JsonFixtures.text("anthropic/stream-tools.sse"));

        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"model\":\"stub-anthropic/claude-test\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        STUB.verify(postRequestedFor(urlEqualTo(MESSAGES))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(equalToJson("{\"model\":\"claude-test\",\"max_tokens\":1000,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Weather?\"}]}]}")));
        List<String> events = JsonFixtures.dataEvents(response.body());
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(JsonFixtures::parse).toList();
        List<JsonNode> expected = JsonFixtures.jsonLines("anthropic/stream-tools.chunks.jsonl");
        assertThat(chunks).hasSameSizeAs(expected);
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(chunks.get(i).get("choices")).isEqualTo(expected.get(i).get("choices"));
            assertThat(chunks.get(i).get("object").asText()).isEqualTo("chat.completion.chunk");
        }
        assertThat(withoutCost(chunks.get(chunks.size() - 1).get("usage"))).isEqualTo(expected.get(expected.size() - 1).get("usage"));
        assertThat(chunks.get(chunks.size() - 1).at("/usage/cost").decimalValue()).isPositive();
    }

    @Test
    void theUsageChunkIsLeftOutWhenTheClientDidNotAskForIt() {
        anthropicStreams(JsonFixtures.text("anthropic/stream-text.sse"));

        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"model\":\"stub-anthropic/claude-test\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        List<String> events = JsonFixtures.dataEvents(response.body());
        assertThat(events).hasSize(5).endsWith("[DONE]");
        assertThat(events).noneMatch(e -> e.contains("\"usage\""));
    }

    @Test
    void overloadedAnthropicFailsOverToAnOpenAiCompatibleProvider() {
        anthropicAnswers(529, JsonFixtures.text("anthropic/error-overloaded.json"));
        STUB.stubFor(WireMock.post(urlEqualTo("/b/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(openAiCompletion("model-b", "Hello from B"))));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"anthropic-then-b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("Hello from B");
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("stub-b");
        assertThat(response.headers().firstValue("x-caravan-attempts")).hasValue("2");
        STUB.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));
        // stub-b got the client's OpenAI request, not the Anthropic translation
        STUB.verify(postRequestedFor(urlEqualTo("/b/v1/chat/completions"))
                .withRequestBody(equalToJson("{\"model\":\"model-b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
    }

    @Test
    void overloadedAnthropicFailsOverForAStreamToo() {
        anthropicAnswers(529, JsonFixtures.text("anthropic/error-overloaded.json"));
        STUB.stubFor(WireMock.post(urlEqualTo("/b/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: " + openAiChunk("model-b", "Streamed by B") + "\n\ndata: [DONE]\n\n")));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"anthropic-then-b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("stub-b");
        List<String> events = JsonFixtures.dataEvents(response.body());
        assertThat(json(events.get(0)).at("/choices/0/delta/content").asText()).isEqualTo("Streamed by B");
        assertThat(events).endsWith("[DONE]");
    }

    @Test
    void anErrorEventBeforeTheFirstChunkFailsOver() {
        anthropicStreams(JsonFixtures.text("anthropic/stream-error-first.sse"));
        STUB.stubFor(WireMock.post(urlEqualTo("/b/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: " + openAiChunk("model-b", "B again") + "\n\ndata: [DONE]\n\n")));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"anthropic-then-b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("stub-b");
        assertThat(JsonFixtures.dataEvents(response.body()).get(0)).contains("B again");
    }

    @Test
    void anErrorEventMidStreamEndsTheStreamWithAnOpenAiError() {
        anthropicStreams(JsonFixtures.text("anthropic/stream-error.sse"));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"anthropic-then-b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        List<String> events = JsonFixtures.dataEvents(response.body());
        assertThat(json(events.get(1)).at("/choices/0/delta/content").asText()).isEqualTo("Once upon");
        JsonNode error = json(events.get(events.size() - 1)).get("error");
        assertThat(error.get("message").asText()).isEqualTo("Overloaded");
        assertThat(error.get("code").asText()).isEqualTo("overloaded_error");
        assertThat(events).doesNotContain("[DONE]");
        // past the first chunk there is no failover
        STUB.verify(0, postRequestedFor(urlPathEqualTo("/b/v1/chat/completions")));
    }

    @Test
    void aStreamThatBreaksMidWayEndsWithAnErrorEventAndNoDone() {
        LIVE.handle(exchange -> {
            OutputStream out = LiveStub.startEventStream(exchange);
            String sse = JsonFixtures.text("anthropic/stream-text.sse");
            // message_start, content_block_start, ping, then the first text delta; then the connection drops
            String firstEvents = sse.substring(0, sse.indexOf("event: content_block_delta", sse.indexOf("Hello")));
            out.write(firstEvents.getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw new IllegalStateException("upstream crashed");
        });

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"stub-anthropic-live/claude-live\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = JsonFixtures.dataEvents(response.body());
        assertThat(json(events.get(0)).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(json(events.get(1)).at("/choices/0/delta/content").asText()).isEqualTo("Hello");
        JsonNode error = json(events.get(events.size() - 1)).get("error");
        assertThat(error.get("type").asText()).isEqualTo("api_error");
        assertThat(error.get("code").asText()).isEqualTo("upstream_stream_error");
        assertThat(events).doesNotContain("[DONE]");
    }

    @Test
    void eachEventIsPassedOnAsSoonAsAnthropicSendsIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean restSent = new AtomicBoolean();
        String sse = JsonFixtures.text("anthropic/stream-text.sse");
        int cut = sse.indexOf("event: content_block_delta", sse.indexOf("Hello"));
        LIVE.handle(exchange -> {
            OutputStream out = LiveStub.startEventStream(exchange);
            out.write(sse.substring(0, cut).getBytes(StandardCharsets.UTF_8));
            out.flush();
            release.await(20, TimeUnit.SECONDS);
            restSent.set(true);
            out.write(sse.substring(cut).getBytes(StandardCharsets.UTF_8));
            out.flush();
        });

        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + userKey)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"stub-anthropic-live/claude-live\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(readDataLine(reader)).contains("\"role\":\"assistant\"");
            assertThat(readDataLine(reader)).contains("\"content\":\"Hello\"");
            // Anthropic is still holding back the rest: nothing was buffered to the end
            assertThat(restSent).isFalse();
            release.countDown();
            assertThat(readDataLine(reader)).contains("\"content\":\"!\"");
            assertThat(readDataLine(reader)).contains("\"finish_reason\":\"stop\"");
            assertThat(readDataLine(reader)).isEqualTo("data: [DONE]");
        } finally {
            release.countDown();
        }
    }

    @Test
    void anUntranslatableParameterIsRefusedWith400AndNeverSent() {
        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"anthropic-then-b\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = error(response);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").asText()).isEqualTo("n");
        assertThat(error.get("message").asText()).contains("'n'");
        // refused before any call, and a client error does not fail over
        STUB.verify(0, postRequestedFor(urlPathEqualTo(MESSAGES)));
        STUB.verify(0, postRequestedFor(urlPathEqualTo("/b/v1/chat/completions")));
    }

    @Test
    void anthropicsBusinessErrorsReachTheClientWithoutFailover() {
        anthropicAnswers(400, JsonFixtures.text("anthropic/error-invalid-request.json"));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"anthropic-then-b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = error(response);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).startsWith("messages: roles must alternate");
        STUB.verify(0, postRequestedFor(urlPathEqualTo("/b/v1/chat/completions")));
    }

    @Test
    void aBadKeyIsA401AuthenticationError() {
        anthropicAnswers(401, JsonFixtures.text("anthropic/error-authentication.json"));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"stub-anthropic/claude-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(error(response).get("type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void embeddingsAreRefusedForAnthropic() {
        HttpResponse<String> response = postJson("/v1/embeddings", "{\"model\":\"stub-anthropic/claude-test\",\"input\":\"hi\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("param").asText()).isEqualTo("model");
        STUB.verify(0, postRequestedFor(urlPathEqualTo(MESSAGES)));
    }

    private static String readDataLine(BufferedReader reader) throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return line;
            }
        }
        return null;
    }

    static String openAiCompletion(String model, String content) {
        return "{\"id\":\"chatcmpl-b\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"" + model + "\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}";
    }

    static String openAiChunk(String model, String content) {
        return "{\"id\":\"chatcmpl-b\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + model + "\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}";
    }


    /** The usage as the provider reported it, without the cost Caravan adds (checked on its own). */
    private static com.fasterxml.jackson.databind.JsonNode withoutCost(com.fasterxml.jackson.databind.JsonNode usage) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = usage.deepCopy();
        copy.remove("cost");
        return copy;
    }
}
