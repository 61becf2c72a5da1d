package dev.caravan.upstream;

import static dev.caravan.upstream.StubServer.chunk;
import static dev.caravan.upstream.StubServer.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.AsyncProducer;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.caravan.openai.SseEvent;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

/** The producer against a real local Vert.x server: what becomes a response, what becomes a failure, and when. */
class UpstreamProducerTest extends UpstreamTestSupport {

    private static final String JSON = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}";


    @Test
    void jsonAnswerComesBackWhole() {
        AtomicReference<String> receivedBody = new AtomicReference<>();
        AtomicReference<String> receivedAuth = new AtomicReference<>();
        stub.on("/json", request -> request.body().onSuccess(body -> {
            receivedBody.set(body.toString());
            receivedAuth.set(request.getHeader("authorization"));
            request.response().putHeader("content-type", "application/json").end(JSON);
        }));

        UpstreamResponse response = camel.call(UpstreamRequest.post(stub.uri("/json"),
                Headers.of("authorization", "Bearer sk-test", "content-length", "999"), Buffer.buffer("{\"q\":1}"), false));

        assertThat(response).isInstanceOfSatisfying(UpstreamResponse.Whole.class, whole -> {
            assertThat(whole.status()).isEqualTo(200);
            assertThat(whole.bodyAsString()).isEqualTo(JSON);
            assertThat(whole.headers().first("Content-Type")).isEqualTo("application/json");
        });
        assertThat(receivedBody.get()).isEqualTo("{\"q\":1}");
        assertThat(receivedAuth.get()).isEqualTo("Bearer sk-test");
    }

    @Test
    void businessErrorComesBackWholeWithoutAnException() {
        stub.on("/bad", request -> request.response().setStatusCode(400).putHeader("content-type", "application/json")
                .end("{\"error\":{\"message\":\"bad model\"}}"));

        Exchange exchange = camel.send(request("/bad", false));

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(exchange.getMessage().getBody()).isInstanceOfSatisfying(UpstreamResponse.Whole.class, whole -> {
            assertThat(whole.status()).isEqualTo(400);
            assertThat(whole.bodyAsString()).contains("bad model");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 529, 429, 408})
    void serverErrorsRateLimitsAndRequestTimeoutsAreFailures(int status) {
        stub.on("/status-" + status, request -> request.response().setStatusCode(status)
                .putHeader("retry-after", "7").end("{\"error\":\"overloaded\"}"));

        UpstreamFailure failure = camel.failure(request("/status-" + status, false));

        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.STATUS);
        assertThat(failure.status()).isEqualTo(status);
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(failure.getMessage()).contains("upstream:test", "HTTP " + status);
    }

    @Test
    void failureWithoutRetryAfterHasNone() {
        stub.on("/plain-503", request -> request.response().setStatusCode(503).end());

        assertThat(camel.failure(request("/plain-503", false)).retryAfter()).isEmpty();
    }

    @Test
    void failureMessagesShowNeitherBodyNorCredentialsNorQuery() {
        stub.on("/secret", request -> request.response().setStatusCode(500).end("echo: secret-body"));
        UpstreamRequest request = UpstreamRequest.post(URI.create(stub.uri("/secret") + "?key=query-key"),
                Headers.of("Authorization", "Bearer sk-live-123", "x-goog-api-key", "goog-key"),
                Buffer.buffer("secret-body"), false);

        UpstreamFailure failure = camel.failure(request);

        assertThat(failure.getMessage()).contains("/secret")
                .doesNotContain("secret-body", "sk-live-123", "goog-key", "query-key");
        assertThat(request.toString()).doesNotContain("secret-body", "sk-live-123", "goog-key", "query-key");
    }

    @Test
    void refusedConnectionIsAConnectFailure() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        UpstreamFailure failure = camel.failure(UpstreamRequest.post(
                URI.create("http://127.0.0.1:" + closedPort + "/v1/chat/completions"), Headers.empty(), Buffer.buffer(), false));

        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.CONNECT);
        assertThat(failure.status()).isZero();
    }

    @Test
    void serverThatNeverAnswersTimesOutAfterTheFirstByteTimeout() {
        AtomicBoolean upstreamSawClose = new AtomicBoolean();
        stub.on("/silent", request -> request.connection().closeHandler(closed -> upstreamSawClose.set(true)));
        UpstreamRequest request = request("/silent", false)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(5));

        long started = System.nanoTime();
        UpstreamFailure failure = camel.failure(request);

        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT);
        assertThat(failure.getMessage()).contains("no status line within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        // the timed-out request is reset, so the provider stops working on it
        await().atMost(Duration.ofSeconds(10)).untilTrue(upstreamSawClose);
    }

    @Test
    void aWholeBodyThatStallsTimesOutAfterTheIdleTimeout() {
        stub.on("/stalling-body", request -> request.response().putHeader("content-type", "application/json")
                .setChunked(true).write("{\"id\":\"chatcmpl-1\","));
        UpstreamRequest request = request("/stalling-body", false)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(300));

        UpstreamFailure failure = camel.failure(request);

        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT);
        assertThat(failure.status()).isEqualTo(200);
        assertThat(failure.getMessage()).contains("body stalled");
    }

    @Test
    void streamThatEndsBeforeItsFirstEventIsCut() {
        stub.on("/empty-stream", request -> request.response().putHeader("content-type", "text/event-stream")
                .setChunked(true).end(": just a comment\n\n"));

        UpstreamFailure failure = camel.failure(request("/empty-stream", true));

        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.STREAM_CUT);
        assertThat(failure.status()).isEqualTo(200);
    }

    @Test
    void streamWhoseConnectionBreaksBeforeItsFirstEventIsCut() {
        stub.on("/broken-stream", request -> {
            request.response().putHeader("content-type", "text/event-stream").setChunked(true).write("data: {\"partial");
            request.response().write("").onComplete(written -> request.connection().close());
        });

        UpstreamFailure failure = camel.failure(request("/broken-stream", true));

        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.STREAM_CUT);
    }

    @Test
    void streamThatSendsHeadersButNoEventTimesOut() {
        stub.on("/headers-only", request -> request.response().putHeader("content-type", "text/event-stream")
                .setChunked(true).write(": processing\n\n"));
        UpstreamRequest request = request("/headers-only", true)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(5));

        UpstreamFailure failure = camel.failure(request);

        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT);
        assertThat(failure.getMessage()).contains("no first event");
    }

    @Test
    void streamRequestAnsweredWithJsonComesBackWhole() {
        stub.on("/json-instead", request -> request.response().putHeader("content-type", "application/json").end(JSON));

        UpstreamResponse response = camel.call(request("/json-instead", true));

        assertThat(response).isInstanceOfSatisfying(UpstreamResponse.Whole.class,
                whole -> assertThat(whole.bodyAsString()).isEqualTo(JSON));
    }

    @Test
    void streamCompletesAtItsFirstEventBeforeTheSecondIsSent() throws Exception {
        Promise<Void> releaseSecond = Promise.promise();
        AtomicBoolean secondSent = new AtomicBoolean();
        stub.on("/stream", request -> {
            var response = request.response().putHeader("content-type", "text/event-stream; charset=utf-8").setChunked(true);
            response.write(": warming up\n\n" + sse(chunk(1)));
            releaseSecond.future().onComplete(released -> {
                secondSent.set(true);
                response.end(sse(chunk(2)) + sse("[DONE]"));
            });
        });

        UpstreamResponse response = camel.call(request("/stream", true));

        assertThat(secondSent).isFalse();
        assertThat(response).isInstanceOf(UpstreamResponse.EventStream.class);
        UpstreamResponse.EventStream stream = (UpstreamResponse.EventStream) response;
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.first()).isEqualTo(new SseEvent(null, chunk(1)));

        releaseSecond.complete();
        RecordingSink sink = new RecordingSink();
        stream.relay().start(sink);
        await().atMost(Duration.ofSeconds(5)).until(sink::ended);
        assertThat(sink.data()).containsExactly(chunk(2), "[DONE]");
    }

    @Test
    void producerCompletesAsynchronouslyOnAnEventLoopThread() throws Exception {
        stub.on("/thread", request -> request.response().end(JSON));
        AsyncProducer producer = camel.camel.getEndpoint("upstream:thread").createAsyncProducer();
        producer.start();
        Exchange exchange = new DefaultExchange(camel.camel);
        exchange.getMessage().setBody(request("/thread", false));
        CompletableFuture<String> callbackThread = new CompletableFuture<>();

        boolean completedSynchronously = producer.process(exchange, doneSync -> {
            assertThat(doneSync).isFalse();
            callbackThread.complete(Thread.currentThread().getName());
        });

        assertThat(completedSynchronously).isFalse();
        assertThat(callbackThread.get(5, TimeUnit.SECONDS)).startsWith("vert.x-eventloop-thread-");
        assertThat(exchange.getMessage().getBody()).isInstanceOf(UpstreamResponse.Whole.class);
        producer.stop();
    }

    @Test
    void aBodyThatIsNotAnUpstreamRequestIsRefused() {
        Exchange exchange = camel.template.send("direct:call", e -> e.getMessage().setBody("not a request"));

        assertThat(exchange.getException()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UpstreamRequest");
    }

    private static UpstreamRequest request(String path, boolean stream) {
        return UpstreamRequest.post(stub.uri(path), Headers.of("content-type", "application/json"),
                Buffer.buffer("{\"model\":\"m\"}"), stream);
    }

}
