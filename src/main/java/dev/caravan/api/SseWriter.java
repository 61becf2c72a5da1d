package dev.caravan.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import dev.caravan.openai.OpenAiError;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ChunkStream;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.UpstreamStreamException;
import dev.caravan.routing.CallContext;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a stream to the client as Server-Sent Events, one event per chunk, flushed as soon as the provider
 * produced it (nothing is buffered to the end). It owns the write path because it also meters: it keeps the
 * usage chunk (asked of every provider) and passes it to the client only if the client asked for it.
 */
public final class SseWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SseWriter.class);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    /** How a stream ended. */
    public enum Outcome { COMPLETED, UPSTREAM_ERROR, CLIENT_GONE }

    /** What was streamed: how it ended and the usage the provider reported (null if none). */
    public record Result(Outcome outcome, Usage usage, int chunks) {
    }

    private SseWriter() {
    }

    public static Result write(CallContext call, ChunkStream chunks, HttpServletResponse response) {
        response.setStatus(200);
        response.setContentType("text/event-stream; charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        ResponseHeaders.forEach(call, response::setHeader);
        Usage usage = null;
        int written = 0;
        boolean completed = false;
        try {
            OutputStream out = response.getOutputStream();
            while (true) {
                StreamChunk chunk;
                try {
                    chunk = chunks.next();
                } catch (UpstreamStreamException e) {
                    LOG.warn("provider {} sent an error in the stream after {} chunks", call.provider(), written);
                    writeError(out, e.error());
                    return new Result(Outcome.UPSTREAM_ERROR, usage, written);
                } catch (IOException e) {
                    LOG.warn("provider {} stream broke off after {} chunks: {}", call.provider(), written,
                            e.getClass().getSimpleName());
                    writeError(out, new OpenAiError(502, "The provider's stream ended unexpectedly.",
                            OpenAiError.API_ERROR, null, "upstream_stream_error"));
                    return new Result(Outcome.UPSTREAM_ERROR, usage, written);
                }
                if (chunk == null) {
                    break;
                }
                if (chunk.usage() != null) {
                    usage = chunk.usage();
                }
                if (!chunk.hasChoices() && chunk.usage() != null && !call.includeUsage()) {
                    continue;
                }
                out.write(DATA);
                out.write(chunk.json());
                out.write(EVENT_END);
                out.flush();
                written++;
            }
            completed = true;
            out.write(DONE);
            out.flush();
            return new Result(Outcome.COMPLETED, usage, written);
        } catch (IOException clientGone) {
            return new Result(Outcome.CLIENT_GONE, usage, written);
        } finally {
            if (completed) {
                // the provider finished: closing reads its last bytes so the connection can be reused
                closeQuietly(chunks);
            } else {
                // broken off (provider error or client gone): drop the upstream connection now, not at the end of
                // an answer nobody will read
                chunks.abort();
            }
        }
    }

    private static void writeError(OutputStream out, OpenAiError error) throws IOException {
        out.write(DATA);
        out.write(error.toBytes());
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
