package dev.caravan.api;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.call.CallContext;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ChunkSink;
import dev.caravan.provider.ChunkStream;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.UpstreamStreamException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Writes a stream to the client as Server-Sent Events, one write per chunk as the provider produced it
 * (nothing is buffered to the end), with backpressure: while the client's write queue is full the provider's
 * stream is paused, and the queue's drain resumes it. It also meters: it keeps the usage chunk (asked of every
 * provider), adds the call's cost to it, and passes it on only if the client asked for it. A stream cut short
 * (provider error, client gone) is metered by counting what was generated. Nothing here blocks: it runs on the
 * event loop that reads the provider.
 */
final class SseWriter implements ChunkSink {

    private static final Logger LOG = LoggerFactory.getLogger(SseWriter.class);
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    /** How a stream ended. */
    enum Outcome { COMPLETED, UPSTREAM_ERROR, CLIENT_GONE }

    /**
     * What was streamed: how it ended, the usage the provider reported (null if none, or the stream ended before
     * it did: then the {@code generated} chunks are counted, off the event loop), and when the first event went out.
     */
    record Result(Outcome outcome, Usage reported, List<byte[]> generated, Long firstEventNanos) {
    }

    private final CallContext call;
    private final ChunkStream chunks;
    private final HttpServerResponse response;
    private final Function<Usage, BigDecimal> pricing;
    private final Consumer<Result> done;
    private final List<byte[]> generated = new ArrayList<>();
    private Usage usage;
    private Long firstEvent;
    private boolean finished;

    private SseWriter(CallContext call, ChunkStream chunks, HttpServerResponse response,
                      Function<Usage, BigDecimal> pricing, Consumer<Result> done) {
        this.call = call;
        this.chunks = chunks;
        this.response = response;
        this.pricing = pricing;
        this.done = done;
    }

    /** Starts relaying {@code chunks} to {@code response}; {@code done} is called once, when the stream ended. */
    static void start(CallContext call, ChunkStream chunks, HttpServerResponse response, Context context,
                      Function<Usage, BigDecimal> pricing, Consumer<Result> done) {
        SseWriter writer = new SseWriter(call, chunks, response, pricing, done);
        response.setStatusCode(200).setChunked(true);
        response.putHeader("Content-Type", "text/event-stream; charset=utf-8");
        response.putHeader("Cache-Control", "no-cache");
        response.putHeader("X-Accel-Buffering", "no");
        ResponseHeaders.forEach(call, response::putHeader);
        response.closeHandler(ignored -> writer.clientGone());
        response.drainHandler(ignored -> chunks.resume());
        if (response.closed()) {
            writer.clientGone();
            return;
        }
        chunks.start(context == null ? writer : new OnContext(context, writer));
    }

    /**
     * Hands each callback to the client's event loop when it comes from another thread (a provider stream that
     * did not run on it): the client's write queue is only seen as it is from its own loop, and backpressure
     * depends on it. On that loop already (the common case) the call is direct.
     */
    private record OnContext(Context context, ChunkSink sink) implements ChunkSink {

        @Override
        public void onChunk(StreamChunk chunk) {
            run(() -> sink.onChunk(chunk));
        }

        @Override
        public void onEnd() {
            run(sink::onEnd);
        }

        @Override
        public void onError(IOException failure) {
            run(() -> sink.onError(failure));
        }

        private void run(Runnable callback) {
            if (Vertx.currentContext() == context) {
                callback.run();
            } else {
                context.runOnContext(ignored -> callback.run());
            }
        }
    }

    @Override
    public synchronized void onChunk(StreamChunk chunk) {
        if (finished) {
            return;
        }
        byte[] json = chunk.json();
        if (chunk.usage() != null) {
            usage = chunk.usage();
            json = withCost(json, pricing.apply(usage));
        }
        if (chunk.hasChoices()) {
            generated.add(chunk.json());
        } else if (chunk.usage() != null && !call.includeUsage()) {
            return;
        }
        if (!write(event(json))) {
            return;
        }
        if (firstEvent == null) {
            firstEvent = System.nanoTime();
        }
        if (response.writeQueueFull()) {
            chunks.pause();
        }
    }

    @Override
    public synchronized void onEnd() {
        if (!finished && write(DONE)) {
            response.end();
            finish(Outcome.COMPLETED);
        }
    }

    @Override
    public synchronized void onError(IOException failure) {
        if (finished) {
            return;
        }
        OpenAiError error;
        try (MDC.MDCCloseable ignored = call.inLogs()) {
            if (failure instanceof UpstreamStreamException e) {
                LOG.warn("provider {} sent an error in the stream after {} chunks", call.provider(), generated.size());
                error = e.error();
            } else {
                LOG.warn("provider {} stream broke off after {} chunks: {}", call.provider(), generated.size(),
                        failure.getMessage());
                error = new OpenAiError(502, "The provider's stream ended unexpectedly.", OpenAiError.API_ERROR, null,
                        "upstream_stream_error");
            }
        }
        if (write(event(error.toBytes()))) {
            response.end();
            finish(Outcome.UPSTREAM_ERROR);
        }
    }

    /** The client closed the connection (or a write to it failed): the provider is told at once. */
    private synchronized void clientGone() {
        if (!finished) {
            chunks.cancel();
            finish(Outcome.CLIENT_GONE);
        }
    }

    /** Writes to the client; false (and the stream given up) when the client is gone. */
    private boolean write(Buffer data) {
        try {
            response.write(data);
            return true;
        } catch (IllegalStateException closed) {
            // Vert.x throws instead of failing the write once the response is closed
            clientGone();
            return false;
        }
    }

    private void finish(Outcome outcome) {
        finished = true;
        done.accept(new Result(outcome, usage, generated, firstEvent));
    }

    private static Buffer event(byte[] json) {
        return Buffer.buffer(json.length + 8).appendString("data: ").appendBytes(json).appendString("\n\n");
    }

    /** The usage chunk with {@code usage.cost} added, as OpenRouter reports it. */
    private static byte[] withCost(byte[] json, BigDecimal cost) {
        try {
            JsonNode node = Json.read(json);
            if (node.get("usage") instanceof ObjectNode usageNode) {
                usageNode.put("cost", cost.stripTrailingZeros());
                return Json.bytes(node);
            }
        } catch (IOException e) {
            // leave the chunk as the provider wrote it
        }
        return json;
    }
}
