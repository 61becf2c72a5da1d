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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.LiveStub;
import dev.caravan.support.OpenAiFixtures;
import dev.caravan.support.SseClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
    void clientLeavingMidStreamDropsTheUpstreamConnectionAtOnce() throws Exception {
        CountDownLatch upstreamDropped = new CountDownLatch(1);
        AtomicInteger sentAfterClientLeft = new AtomicInteger();
        AtomicBoolean clientLeft = new AtomicBoolean();
        LIVE.handle(exchange -> {
            OutputStream out = LiveStub.startEventStream(exchange);
            try {
                for (int i = 0; i < 400; i++) {
                    LiveStub.event(out, OpenAiFixtures.chunk("model-live", "word" + i));
                    if (clientLeft.get()) {
                        sentAfterClientLeft.incrementAndGet();
                    }
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
            clientLeft.set(true);
        }
        // the gateway noticed the client was gone and reset its provider connection instead of reading on: the
        // provider wrote at most a second's worth of events (one per 25 ms) into a connection nobody reads
        assertThat(upstreamDropped.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sentAfterClientLeft.get()).isLessThan(40);
    }

    @Test
    void aSlowClientPausesTheProviderInsteadOfBufferingItsAnswer() throws Exception {
        // 40,000 events of ~2 kB: 80 MB that the provider would write in a blink to a reader that keeps up; it
        // reports its usage, as every stream is asked to (counting 80 MB of text instead is not what this is about)
        String padding = "lorem ipsum ".repeat(170);
        int events = 40_000;
        AtomicLong eventsWritten = new AtomicLong();
        LIVE.handle(exchange -> {
            OutputStream out = LiveStub.startEventStream(exchange);
            for (int i = 0; i < events; i++) {
                LiveStub.event(out, OpenAiFixtures.chunk("model-live", padding));
                eventsWritten.incrementAndGet();
            }
            LiveStub.event(out, OpenAiFixtures.usageChunk("model-live"));
            LiveStub.event(out, "[DONE]");
        });

        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + userKey)
                .POST(HttpRequest.BodyPublishers.ofString(STREAM_REQUEST)).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(readDataLine(reader)).contains(padding);
            // the client reads nothing more: the provider's writes stall once the socket buffers on the way are full
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(new java.util.concurrent.Callable<Boolean>() {
                        private long last = -1;

                        @Override
                        public Boolean call() {
                            long now = eventsWritten.get();
                            boolean stalled = now == last;
                            last = now;
                            return stalled;
                        }
                    });
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> eventsWritten.get() < events);
            // well under the answer is in flight (what loopback socket buffers hold), not the whole of it in memory
            assertThat(eventsWritten.get()).isLessThan(events / 2);
            long read = 1;
            while (true) {
                String line = readDataLine(reader);
                if (line == null || line.equals("data: [DONE]")) {
                    assertThat(line).isEqualTo("data: [DONE]");
                    break;
                }
                read++;
            }
            // and once the client reads again, every event arrives
            assertThat(read).isEqualTo(events);
        }
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
