package dev.caravan.api;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.caravan.logging.BatchingAsyncAppender;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/** One access line per call, written to the console off the request's thread, tagged with the request id. */
class AccessLogTest extends GatewayTestSupport {

    /** The console's bytes, each write remembered with the thread that made it. */
    private static final class RecordingStream extends OutputStream {
        final Map<String, String> writerOfLine = new ConcurrentHashMap<>();
        private final OutputStream original;

        RecordingStream(OutputStream original) {
            this.original = original;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            writerOfLine.put(new String(bytes, offset, length, StandardCharsets.UTF_8), Thread.currentThread().getName());
            try {
                original.write(bytes, offset, length);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private OutputStreamAppender<ILoggingEvent> console;
    private OutputStream original;

    @AfterEach
    void restoreConsole() {
        if (console != null) {
            console.setOutputStream(original);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAccessLineIsWrittenByTheLoggingThreadNotTheRequestThread() {
        Logger access = (Logger) LoggerFactory.getLogger("caravan.access");
        BatchingAsyncAppender async = (BatchingAsyncAppender) access.getAppender("ACCESS_ASYNC");
        assertThat(async).as("the access log's async appender").isNotNull();
        console = (OutputStreamAppender<ILoggingEvent>) async.getAppender("CONSOLE");
        original = console.getOutputStream();
        RecordingStream recording = new RecordingStream(original);
        console.setOutputStream(recording);
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "hello"))));

        var response = postJson("/v1/chat/completions",
                "{\"model\":\"ab\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recording.writerOfLine.keySet().stream()
                .anyMatch(line -> line.contains(requestId) && line.contains("caravan.access")));
        Map.Entry<String, String> line = recording.writerOfLine.entrySet().stream()
                .filter(written -> written.getKey().contains(requestId) && written.getKey().contains("caravan.access"))
                .findFirst().orElseThrow();
        assertThat(line.getKey()).contains("model=ab").contains("status=200").contains("outcome=completed");
        assertThat(line.getValue()).as("the thread that wrote the access line").isEqualTo("log-writer-ACCESS_ASYNC");
    }
}
