package dev.caravan.upstream;

import static dev.caravan.upstream.StubServer.chunk;
import static dev.caravan.upstream.StubServer.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.caravan.openai.SseEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;

/** Relaying the rest of a stream after its first event: pacing, end, breaks, timeouts, backpressure, a gone client. */
class RelayTest extends UpstreamTestSupport {

    private static final String EVENT_LOOP = "vert.x-eventloop-thread-";
    private static final Function<SseEvent, Buffer> ENCODE = event -> Buffer.buffer(sse(event.data()));

    private static final AtomicInteger paths = new AtomicInteger();

    @Test
    void pacedEventsReachTheSinkOneByOneAsTheyAreSent() {
        PacedStream upstream = new PacedStream(sse(chunk(1)));
        UpstreamResponse.EventStream stream = open(upstream, UpstreamRequest.DEFAULT_IDLE_TIMEOUT);
        RecordingSink sink = new RecordingSink();
        stream.relay().start(sink);

        for (int i = 2; i <= 6; i++) {
            upstream.send(sse(chunk(i)));
            int expected = i - 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.events.size() >= expected);
            assertThat(sink.data()).as("nothing arrives before it is sent").hasSize(expected).last().isEqualTo(chunk(i));
        }
        upstream.end(sse("[DONE]"));

        await().atMost(Duration.ofSeconds(10)).until(sink::ended);
        assertThat(sink.data()).containsExactly(chunk(2), chunk(3), chunk(4), chunk(5), chunk(6), "[DONE]");
        assertThat(sink.error).isNull();
        assertThat(sink.threads).allSatisfy(thread -> assertThat(thread).startsWith(EVENT_LOOP));
    }

    @Test
    void doneThenEndCompletesThePipeWithOneWritePerEvent() throws Exception {
        PacedStream upstream = new PacedStream(sse(chunk(1)));
        UpstreamResponse.EventStream stream = open(upstream, UpstreamRequest.DEFAULT_IDLE_TIMEOUT);
        SlowWriteStream client = SlowWriteStream.fast();
        CompletableFuture<RelayOutcome> outcome = new CompletableFuture<>();
        CompletableFuture<String> doneThread = new CompletableFuture<>();
        stream.relay().pipeTo(client, ENCODE, result -> {
            doneThread.complete(Thread.currentThread().getName());
            outcome.complete(result);
        });

        upstream.send(sse(chunk(2)));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.writes.size() == 1);
        upstream.send(sse(chunk(3)) + sse("[DONE]"));
        upstream.end("");

        assertThat(outcome.get(5, TimeUnit.SECONDS).kind()).isEqualTo(RelayOutcome.Kind.COMPLETED);
        assertThat(client.writes).hasSize(3);
        assertThat(client.written()).isEqualTo(sse(chunk(2)) + sse(chunk(3)) + sse("[DONE]"));
        assertThat(doneThread.get()).startsWith(EVENT_LOOP);
    }

    @Test
    void aConnectionCutMidStreamIsAnUpstreamError() throws Exception {
        PacedStream upstream = new PacedStream(sse(chunk(1)));
        UpstreamResponse.EventStream stream = open(upstream, UpstreamRequest.DEFAULT_IDLE_TIMEOUT);
        SlowWriteStream client = SlowWriteStream.fast();
        CompletableFuture<RelayOutcome> outcome = new CompletableFuture<>();
        stream.relay().pipeTo(client, ENCODE, outcome::complete);

        upstream.send(sse(chunk(2)));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.writes.size() == 1);
        upstream.cut();

        RelayOutcome result = outcome.get(5, TimeUnit.SECONDS);
        assertThat(result.kind()).isEqualTo(RelayOutcome.Kind.UPSTREAM_ERROR);
        assertThat(result.cause()).isInstanceOfSatisfying(UpstreamFailure.class,
                failure -> assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.STREAM_CUT));
        assertThat(client.written()).isEqualTo(sse(chunk(2)));
    }

    @Test
    void silenceLongerThanTheIdleTimeoutEndsTheStreamAndResetsTheUpstream() {
        PacedStream upstream = new PacedStream(sse(chunk(1)));
        UpstreamResponse.EventStream stream = open(upstream, Duration.ofMillis(300));
        RecordingSink sink = new RecordingSink();
        stream.relay().start(sink);

        upstream.send(sse(chunk(2)));

        await().atMost(Duration.ofSeconds(5)).until(sink::failed);
        assertThat(sink.error).isInstanceOfSatisfying(UpstreamFailure.class,
                failure -> assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT));
        assertThat(sink.data()).containsExactly(chunk(2));
        await().atMost(Duration.ofSeconds(10)).untilTrue(upstream.connectionClosed);
    }

    @Test
    void aRelayNobodyStartsReleasesTheUpstreamAfterTheIdleTimeout() {
        PacedStream upstream = new PacedStream(sse(chunk(1)));
        UpstreamResponse.EventStream stream = open(upstream, Duration.ofMillis(300));

        await().atMost(Duration.ofSeconds(5)).untilTrue(upstream.connectionClosed);
        RecordingSink sink = new RecordingSink();
        stream.relay().start(sink);

        await().atMost(Duration.ofSeconds(10)).until(sink::failed);
        assertThat(sink.error).isInstanceOfSatisfying(UpstreamFailure.class,
                failure -> assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT));
    }

    @Test
    void aSinkThatStopsEarlyResetsTheUpstream() {
        PacedStream upstream = new PacedStream(sse(chunk(1)));
        UpstreamResponse.EventStream stream = open(upstream, UpstreamRequest.DEFAULT_IDLE_TIMEOUT);
        List<SseEvent> seen = new ArrayList<>();
        AtomicBoolean endOrError = new AtomicBoolean();
        stream.relay().start(new EventSink() {
            @Override
            public boolean onEvent(SseEvent event) {
                seen.add(event);
                return false;
            }

            @Override
            public void onEnd() {
                endOrError.set(true);
            }

            @Override
            public void onError(Throwable failure) {
                endOrError.set(true);
            }
        });

        upstream.send(sse(chunk(2)) + sse(chunk(3)));

        await().atMost(Duration.ofSeconds(10)).untilTrue(upstream.connectionClosed);
        assertThat(seen).extracting(SseEvent::data).containsExactly(chunk(2));
        assertThat(endOrError).isFalse();
    }

    @Test
    void cancelResetsTheUpstreamAtOnce() {
        PacedStream upstream = new PacedStream(sse(chunk(1)));
        UpstreamResponse.EventStream stream = open(upstream, UpstreamRequest.DEFAULT_IDLE_TIMEOUT);
        RecordingSink sink = new RecordingSink();
        stream.relay().start(sink);

        stream.relay().cancel();

        await().atMost(Duration.ofSeconds(10)).untilTrue(upstream.connectionClosed);
        assertThat(sink.threads).isEmpty();
    }

    /**
     * Resetting a request whose response has ended would close its connection, by then back in the pool: a
     * finished stream (here one that ended before any event, and one cancelled after its end) is never reset.
     */
    @Test
    void aFinishedStreamLeavesItsConnectionToTheNextCall() {
        List<Integer> clientPorts = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (StubServer ownStub = StubServer.start(vertx); UpstreamCamel ownCamel = new UpstreamCamel(vertx)) {
            ownStub.on("/empty", request -> {
                clientPorts.add(request.remoteAddress().port());
                request.response().putHeader("content-type", "text/event-stream").end(": nothing to say\n\n");
            });
            ownStub.on("/finished", request -> {
                clientPorts.add(request.remoteAddress().port());
                request.response().putHeader("content-type", "text/event-stream").end(sse(chunk(1)) + sse("[DONE]"));
            });
            assertThat(ownCamel.failure(UpstreamRequest.post(ownStub.uri("/empty"), Headers.empty(), Buffer.buffer(), true))
                    .kind()).isEqualTo(UpstreamFailure.Kind.STREAM_CUT);
            UpstreamRequest request = UpstreamRequest.post(ownStub.uri("/finished"), Headers.empty(), Buffer.buffer(), true);
            UpstreamResponse.EventStream stream = (UpstreamResponse.EventStream) ownCamel.call(request);
            RecordingSink sink = new RecordingSink();
            stream.relay().start(sink);
            await().atMost(Duration.ofSeconds(10)).until(sink::ended);
            stream.relay().cancel();
            ownCamel.call(request);

            assertThat(clientPorts).hasSize(3);
            assertThat(clientPorts).as("every call reuses the first call's connection").containsOnly(clientPorts.get(0));
        }
    }

    @Test
    void aFailedClientWriteIsAGoneClientAndResetsTheUpstream() throws Exception {
        PacedStream upstream = new PacedStream(sse(chunk(1)));
        UpstreamResponse.EventStream stream = open(upstream, UpstreamRequest.DEFAULT_IDLE_TIMEOUT);
        SlowWriteStream client = SlowWriteStream.fast();
        CompletableFuture<RelayOutcome> outcome = new CompletableFuture<>();
        stream.relay().pipeTo(client, ENCODE, outcome::complete);

        client.breakWrites();
        upstream.send(sse(chunk(2)));

        assertThat(outcome.get(5, TimeUnit.SECONDS).kind()).isEqualTo(RelayOutcome.Kind.CLIENT_GONE);
        await().atMost(Duration.ofSeconds(10)).untilTrue(upstream.connectionClosed);
    }

    /**
     * A client that reads slowly pauses the upstream: the stub's own write queue fills and stays full (its
     * socket is not read), and only a bounded number of events sits between the two. Small socket buffers on
     * both ends keep that number small and the test quick.
     */
    @Test
    void aSlowClientPausesTheUpstreamUntilItDrains() throws Exception {
        int total = 3000;
        String padding = "x".repeat(1000);
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean stubBlocked = new AtomicBoolean();
        try (StubServer slowStub = StubServer.start(vertx, new HttpServerOptions().setSendBufferSize(16 * 1024));
             UpstreamCamel smallBuffers = new UpstreamCamel(vertx,
                     component -> component.setClientOptions(new HttpClientOptions().setReceiveBufferSize(16 * 1024)))) {
            slowStub.on("/firehose", request -> {
                HttpServerResponse answer = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
                answer.write(sse("0:" + padding));
                sent.set(1);
                Runnable[] pump = new Runnable[1];
                pump[0] = () -> {
                    stubBlocked.set(false);
                    while (sent.get() < total && !answer.writeQueueFull()) {
                        answer.write(sse(sent.getAndIncrement() + ":" + padding));
                    }
                    if (sent.get() == total) {
                        answer.end();
                    } else {
                        stubBlocked.set(true);
                        answer.drainHandler(drained -> pump[0].run());
                    }
                };
                pump[0].run();
            });
            UpstreamResponse.EventStream stream = (UpstreamResponse.EventStream) smallBuffers.call(
                    UpstreamRequest.post(slowStub.uri("/firehose"), Headers.empty(), Buffer.buffer(), true));
            SlowWriteStream client = new SlowWriteStream(1);
            CompletableFuture<RelayOutcome> outcome = new CompletableFuture<>();
            stream.relay().pipeTo(client, ENCODE, outcome::complete);

            // the stub stays blocked: nothing drains its queue while our client does not read
            await().atMost(Duration.ofSeconds(5)).during(Duration.ofMillis(500)).untilTrue(stubBlocked);
            int sentWhileBlocked = sent.get();
            int relayed = client.writes.size();
            assertThat(sentWhileBlocked).as("the stub could not send everything").isLessThan(total);
            // the first write fills the client's queue; the rest of that one upstream chunk may follow it
            assertThat(relayed).as("events written to the slow client before the relay paused").isBetween(1, 16);
            assertThat(sentWhileBlocked - relayed).as("events held between the stub and the slow client")
                    .isLessThanOrEqualTo(400);

            client.drain();

            assertThat(outcome.get(20, TimeUnit.SECONDS).kind()).isEqualTo(RelayOutcome.Kind.COMPLETED);
            assertThat(sent.get()).isEqualTo(total);
            assertThat(client.writes).hasSize(total - 1);
            for (int i = 1; i < total; i++) {
                assertThat(client.writes.get(i - 1).toString()).startsWith("data: " + i + ":");
            }
        }
    }

    /**
     * A real client of a real Vert.x server in front (the gateway) hangs up mid-stream: the gateway's close
     * handler, given to pipeTo, resets the upstream, and the provider sees its connection close.
     */
    @Test
    void aClientThatHangsUpClosesTheUpstreamConnection() throws Exception {
        PacedStream upstream = new PacedStream(sse(chunk(1)));
        String path = "/gone-" + paths.incrementAndGet();
        stub.on(path, upstream);
        CompletableFuture<RelayOutcome> outcome = new CompletableFuture<>();
        try (StubServer gateway = StubServer.start(vertx)) {
            gateway.on("/v1/chat/completions", request -> {
                HttpServerResponse response = request.response();
                camel.template.asyncSend("direct:call", exchange -> exchange.getMessage().setBody(
                        UpstreamRequest.post(stub.uri(path), Headers.empty(), Buffer.buffer("{}"), true)))
                        .thenAccept(exchange -> {
                            UpstreamResponse.EventStream stream = exchange.getMessage().getBody(UpstreamResponse.EventStream.class);
                            response.setChunked(true).putHeader("content-type", "text/event-stream");
                            response.write(ENCODE.apply(stream.first()));
                            stream.relay().pipeTo(response, ENCODE, response::closeHandler, outcome::complete);
                        });
            });
            HttpClient client = vertx.createHttpClient();
            CompletableFuture<String> firstBytes = new CompletableFuture<>();
            client.request(HttpMethod.POST, gateway.uri("/").getPort(), "127.0.0.1", "/v1/chat/completions")
                    .compose(request -> request.send("{}"))
                    .onSuccess(response -> response.handler(data -> {
                        if (firstBytes.complete(data.toString())) {
                            response.request().connection().close();
                        }
                    }));

            assertThat(firstBytes.get(5, TimeUnit.SECONDS)).isEqualTo(sse(chunk(1)));
            await().atMost(Duration.ofSeconds(10)).untilTrue(upstream.connectionClosed);
            assertThat(outcome.get(10, TimeUnit.SECONDS).kind()).isEqualTo(RelayOutcome.Kind.CLIENT_GONE);
            StubServer.await(client.close());
        }
    }

    private static UpstreamResponse.EventStream open(PacedStream upstream, Duration idleTimeout) {
        String path = "/stream-" + paths.incrementAndGet();
        stub.on(path, upstream);
        UpstreamRequest request = UpstreamRequest.post(stub.uri(path), Headers.empty(), Buffer.buffer("{}"), true)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), idleTimeout);
        UpstreamResponse response = camel.call(request);
        assertThat(response).isInstanceOf(UpstreamResponse.EventStream.class);
        UpstreamResponse.EventStream stream = (UpstreamResponse.EventStream) response;
        assertThat(stream.first()).isEqualTo(new SseEvent(null, chunk(1)));
        return stream;
    }
}
