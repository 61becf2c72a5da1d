package dev.caravan.upstream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * A stub provider stream that the test drives: it answers with its first event at once, then sends exactly what
 * the test tells it to, when the test tells it to (on the stub's own context). It notes when its connection
 * closes, which is how a provider learns that we gave up.
 */
final class PacedStream implements Handler<HttpServerRequest> {

    private final String first;
    private final CompletableFuture<HttpServerResponse> response = new CompletableFuture<>();
    private volatile Context context;
    private volatile HttpServerRequest request;
    final AtomicBoolean connectionClosed = new AtomicBoolean();

    PacedStream(String first) {
        this.first = first;
    }

    @Override
    public void handle(HttpServerRequest incoming) {
        context = Vertx.currentContext();
        request = incoming;
        incoming.connection().closeHandler(closed -> connectionClosed.set(true));
        HttpServerResponse answer = incoming.response().setChunked(true).putHeader("content-type", "text/event-stream");
        answer.write(first);
        response.complete(answer);
    }

    void send(String text) {
        HttpServerResponse answer = answer();
        context.runOnContext(ignored -> answer.write(text));
    }

    void end(String text) {
        HttpServerResponse answer = answer();
        context.runOnContext(ignored -> answer.end(text));
    }

    /** Closes the TCP connection mid-stream, as a crashing provider or a load balancer would. */
    void cut() {
        answer();
        context.runOnContext(ignored -> request.connection().close());
    }

    private HttpServerResponse answer() {
        try {
            return response.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the stub was never called", e);
        }
    }
}
