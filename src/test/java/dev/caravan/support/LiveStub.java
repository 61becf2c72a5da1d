package dev.caravan.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A hand-driven upstream for what WireMock cannot do: a test's handler writes and flushes each SSE event
 * itself, can wait between events for the test to look at what the gateway already passed on, and can
 * break the connection in the middle of a stream.
 */
public final class LiveStub {

    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange) throws Exception;
    }

    private HttpServer server;
    private volatile Handler handler = exchange -> exchange.sendResponseHeaders(404, -1);

    public synchronized String baseUrl() {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                try {
                    handler.handle(exchange);
                } catch (Exception e) {
                    // the handler broke off: an IOException makes the server drop the connection without ending
                    // the chunked body, as a crashed upstream would
                    throw new IOException("stub dropped the connection", e);
                }
                exchange.close();
            });
            server.start();
        }
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void handle(Handler handler) {
        this.handler = handler;
    }

    /** Every call is answered 200 with {@code json} and counted in {@code calls}. */
    public void answerJson(String json, AtomicInteger calls) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        handle(exchange -> {
            calls.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    /** Starts a 200 text/event-stream response of unknown length. */
    public static OutputStream startEventStream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    /** Writes one {@code data:} event and flushes it onto the wire. */
    public static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
