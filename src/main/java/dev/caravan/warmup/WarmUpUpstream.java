package dev.caravan.warmup;

import java.util.regex.Pattern;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * A provider for the warm-up, in this process, on loopback: it answers {@code /v1/chat/completions} (JSON, or an
 * SSE stream event by event) and {@code /v1/embeddings} in OpenAI's wire format, so that the warm-up's calls take
 * the same adapter, upstream client and stream relay as a real OpenAI-compatible provider's.
 */
final class WarmUpUpstream implements AutoCloseable {

    static final String MODEL = "warm-up";
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final String USAGE = "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8,\"total_tokens\":20}";
    private static final String[] WORDS = {"Caravan", " is", " warming", " up", " before", " it", " is", " ready"};

    private final HttpServer server;

    private WarmUpUpstream(HttpServer server) {
        this.server = server;
    }

    static WarmUpUpstream start(Vertx vertx) {
        HttpServer server = vertx.createHttpServer().requestHandler(WarmUpUpstream::handle);
        return new WarmUpUpstream(server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join());
    }

    /** Up to and including {@code /v1}, as a provider's {@code baseUrl}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    @Override
    public void close() {
        server.close().toCompletionStage().toCompletableFuture().join();
    }

    private static void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            HttpServerResponse response = request.response();
            if (request.path().endsWith("/embeddings")) {
                json(response, "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                        + "\"embedding\":[0.0123,-0.0456,0.0789,0.0012]}],\"model\":\"" + MODEL + "\","
                        + "\"usage\":{\"prompt_tokens\":12,\"total_tokens\":12}}");
            } else if (STREAM.matcher(body.toString()).find()) {
                stream(response);
            } else {
                json(response, "{\"id\":\"chatcmpl-warmup\",\"object\":\"chat.completion\",\"created\":1,\"model\":\""
                        + MODEL + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                        + String.join("", WORDS) + "\"},\"finish_reason\":\"stop\"}]," + USAGE + "}");
            }
        });
    }

    private static void json(HttpServerResponse response, String body) {
        response.putHeader("Content-Type", "application/json").end(body);
    }

    /** As OpenAI streams: a role chunk, one chunk per word, the finish chunk, the usage chunk, [DONE]; each its own write. */
    private static void stream(HttpServerResponse response) {
        response.setChunked(true).putHeader("Content-Type", "text/event-stream");
        String head = "{\"id\":\"chatcmpl-warmup\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + MODEL
                + "\",\"choices\":[";
        event(response, head + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
        for (String word : WORDS) {
            event(response, head + "{\"index\":0,\"delta\":{\"content\":\"" + word + "\"},\"finish_reason\":null}]}");
        }
        event(response, head + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
        event(response, head + "]," + USAGE + "}");
        response.end(Buffer.buffer("data: [DONE]\n\n"));
    }

    private static void event(HttpServerResponse response, String data) {
        response.write(Buffer.buffer("data: " + data + "\n\n"));
    }
}
