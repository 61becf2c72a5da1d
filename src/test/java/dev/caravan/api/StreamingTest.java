package dev.caravan.api;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.LiveStub;
import dev.caravan.support.OpenAiFixtures;
import dev.caravan.support.SseClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Streams against a hand-driven upstream: incremental delivery, a provider that breaks off, a client that leaves. */
class StreamingTest extends GatewayTestSupport {

    private static final String STREAM_REQUEST =
            "{\"model\":\"stub-live/model-live\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void clientSeesTheFirstChunkBeforeTheProviderHasSentTheLast() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean lastSent = new AtomicBoolean();
        LIVE.handle(exchange -> {
            OutputStream out = LiveStub.startEventStream(exchange);
            LiveStub.event(out, OpenAiFixtures.chunk("model-live", "first"));
            release.await(20, TimeUnit.SECONDS);
            lastSent.set(true);
            LiveStub.event(out, OpenAiFixtures.chunk("model-live", "last"));
            LiveStub.event(out, "[DONE]");
        });

        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + userKey)
                .POST(HttpRequest.BodyPublishers.ofString(STREAM_REQUEST)).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String firstData = readDataLine(reader);
            // the provider is still holding back its last chunk: nothing was buffered to the end
            assertThat(lastSent).isFalse();
            assertThat(firstData).isEqualTo("data: " + OpenAiFixtures.chunk("model-live", "first"));
            release.countDown();
            assertThat(readDataLine(reader)).isEqualTo("data: " + OpenAiFixtures.chunk("model-live", "last"));
            assertThat(readDataLine(reader)).isEqualTo("data: [DONE]");
        } finally {
            release.countDown();
        }
    }

    @Test
    void providerBreakingOffMidStreamEndsTheStreamWithAnErrorEvent() {
        LIVE.handle(exchange -> {
            OutputStream out = LiveStub.startEventStream(exchange);
            LiveStub.event(out, OpenAiFixtures.chunk("model-live", "one"));
            LiveStub.event(out, OpenAiFixtures.chunk("model-live", "two"));
            throw new IllegalStateException("upstream crashed");
        });

        HttpResponse<String> response = postJson("/v1/chat/completions", STREAM_REQUEST);

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = SseClient.dataEvents(response.body());
        assertThat(events).startsWith(OpenAiFixtures.chunk("model-live", "one"), OpenAiFixtures.chunk("model-live", "two"));
        JsonNode error = json(events.get(events.size() - 1)).get("error");
        assertThat(error.get("type").asText()).isEqualTo("api_error");
        assertThat(error.get("code").asText()).isEqualTo("upstream_stream_error");
        assertThat(events).doesNotContain("[DONE]");
    }

    @Test
    void providerErrorEventMidStreamIsPassedOnAsAnOpenAiError() {
        LIVE.handle(exchange -> {
            OutputStream out = LiveStub.startEventStream(exchange);
            LiveStub.event(out, OpenAiFixtures.chunk("model-live", "one"));
            LiveStub.event(out, OpenAiFixtures.error("server_error", "The server had an error", null));
        });

        HttpResponse<String> response = postJson("/v1/chat/completions", STREAM_REQUEST);

        List<String> events = SseClient.dataEvents(response.body());
        assertThat(events.get(0)).isEqualTo(OpenAiFixtures.chunk("model-live", "one"));
        assertThat(json(events.get(1)).at("/error/message").asText()).isEqualTo("The server had an error");
        assertThat(events).doesNotContain("[DONE]");
    }

    @Test
    void clientLeavingMidStreamDropsTheUpstreamConnection() throws Exception {
        CountDownLatch upstreamDropped = new CountDownLatch(1);
        LIVE.handle(exchange -> {
            OutputStream out = LiveStub.startEventStream(exchange);
            try {
                for (int i = 0; i < 400; i++) {
                    LiveStub.event(out, OpenAiFixtures.chunk("model-live", "word" + i));
                    Thread.sleep(25);
                }
            } catch (java.io.IOException gone) {
                upstreamDropped.countDown();
            }
        });

        try (Socket socket = new Socket("localhost", port())) {
            byte[] body = STREAM_REQUEST.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + userKey + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(readDataLine(reader)).contains("word0");
        }
        // the gateway noticed the client was gone and closed its provider connection instead of reading on
        assertThat(upstreamDropped.await(10, TimeUnit.SECONDS)).isTrue();
    }

    private static String readDataLine(BufferedReader reader) throws java.io.IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return line;
            }
        }
        return null;
    }
}
