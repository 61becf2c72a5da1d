package dev.caravan.upstream;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/** A real Vert.x HTTP server on a random local port standing in for a provider; each test routes a path. */
final class StubServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Handler<HttpServerRequest>> routes = new ConcurrentHashMap<>();

    private StubServer(Vertx vertx, HttpServerOptions options) {
        this.server = vertx.createHttpServer(options).requestHandler(request -> {
            Handler<HttpServerRequest> route = routes.get(request.path());
            if (route == null) {
                request.response().setStatusCode(404).end();
            } else {
                route.handle(request);
            }
        });
    }

    static StubServer start(Vertx vertx) {
        return start(vertx, new HttpServerOptions());
    }

    static StubServer start(Vertx vertx, HttpServerOptions options) {
        StubServer stub = new StubServer(vertx, options.setHost("127.0.0.1").setPort(0));
        await(stub.server.listen());
        return stub;
    }

    void on(String path, Handler<HttpServerRequest> handler) {
        routes.put(path, handler);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.actualPort() + path);
    }

    @Override
    public void close() {
        await(server.close());
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One OpenAI-style event. */
    static String sse(String data) {
        return "data: " + data + "\n\n";
    }

    static String chunk(int index) {
        return "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t" + index + "\"}}]}";
    }
}
