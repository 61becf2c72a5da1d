package dev.caravan.api;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.call.CallContext;
import dev.caravan.openai.CompletionTokens;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ChunkStream;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.UpstreamStreamException;
import dev.caravan.http.ClientStream;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a stream to the client as Server-Sent Events, one event per chunk, flushed as soon as the provider
 * produced it (nothing is buffered to the end). It owns the write path because it also meters: it keeps the
 * usage chunk (asked of every provider), adds the call's cost to it, and passes it on only if the client asked
 * for it. A stream cut short (provider error, client gone) is metered by counting what was generated.
 */
public final class SseWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SseWriter.class);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    /** How a stream ended. */
    public enum Outcome { COMPLETED, UPSTREAM_ERROR, CLIENT_GONE }

    /**
     * What was streamed: how it ended, its usage (reported by the provider, or counted when {@code estimated}),
     * and the time to the first event.
     */
    public record Result(Outcome outcome, Usage usage, int chunks, Long firstEventNanos) {
    }

    private SseWriter() {
    }

    public static Result write(CallContext call, ChunkStream chunks, HttpServerResponse response,
            Function<Usage, BigDecimal> pricing) {
        response.setStatusCode(200).setChunked(true);
        response.putHeader("Content-Type", "text/event-stream; charset=utf-8");
        response.putHeader("Cache-Control", "no-cache");
        response.putHeader("X-Accel-Buffering", "no");
        ResponseHeaders.forEach(call, response::putHeader);
        Usage usage = null;
        List<byte[]> generated = new ArrayList<>();
        Long firstEvent = null;
        Outcome outcome = Outcome.CLIENT_GONE;
        ClientStream out = new ClientStream(response, chunks::abort);
        try {
            while (true) {
                StreamChunk chunk;
                try {
                    chunk = chunks.next();
                } catch (UpstreamStreamException e) {
                    LOG.warn("provider {} sent an error in the stream after {} chunks", call.provider(), generated.size());
                    outcome = Outcome.UPSTREAM_ERROR;
                    writeEvent(out, e.error().toBytes());
                    break;
                } catch (IOException e) {
                    LOG.warn("provider {} stream broke off after {} chunks: {}", call.provider(), generated.size(),
                            e.getClass().getSimpleName());
                    outcome = Outcome.UPSTREAM_ERROR;
                    writeEvent(out, new OpenAiError(502, "The provider's stream ended unexpectedly.",
                            OpenAiError.API_ERROR, null, "upstream_stream_error").toBytes());
                    break;
                }
                if (chunk == null) {
                    outcome = Outcome.COMPLETED;
                    out.write(DONE);
                    out.flush();
                    break;
                }
                byte[] json = chunk.json();
                if (chunk.usage() != null) {
                    usage = chunk.usage();
                    json = withCost(json, pricing.apply(usage));
                }
                if (chunk.hasChoices()) {
                    generated.add(chunk.json());
                } else if (chunk.usage() != null && !call.includeUsage()) {
                    continue;
                }
                writeEvent(out, json);
                if (firstEvent == null) {
                    firstEvent = System.nanoTime();
                }
            }
        } catch (IOException clientGone) {
            outcome = Outcome.CLIENT_GONE;
        } finally {
            out.close();
            if (outcome == Outcome.COMPLETED) {
                // the provider finished: closing reads its last bytes so the connection can be reused
                closeQuietly(chunks);
            } else {
                // broken off: drop the upstream connection now, not at the end of an answer nobody reads
                chunks.abort();
            }
        }
        if (usage == null) {
            usage = counted(call, generated);
        }
        return new Result(outcome, usage, generated.size(), firstEvent);
    }

    /** Usage counted by Caravan when the provider reported none (or the stream ended before it did). */
    private static Usage counted(CallContext call, List<byte[]> generated) {
        return new Usage(call.promptTokens(), CompletionTokens.ofChunks(generated), 0, true);
    }

    /** The usage chunk with {@code usage.cost} added, as OpenRouter reports it. */
    private static byte[] withCost(byte[] json, BigDecimal cost) {
        try {
            JsonNode node = Json.read(json);
            if (node.get("usage") instanceof ObjectNode usage) {
                usage.put("cost", cost.stripTrailingZeros());
                return Json.bytes(node);
            }
        } catch (IOException e) {
            // leave the chunk as the provider wrote it
        }
        return json;
    }

    private static void writeEvent(OutputStream out, byte[] json) throws IOException {
        out.write(DATA);
        out.write(json);
        out.write(EVENT_END);
        out.flush();
    }

    private static void closeQuietly(ChunkStream chunks) {
        try {
            chunks.close();
        } catch (IOException | RuntimeException e) {
            chunks.abort();
        }
    }
}
