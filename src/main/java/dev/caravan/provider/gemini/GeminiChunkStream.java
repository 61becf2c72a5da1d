package dev.caravan.provider.gemini;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

import dev.caravan.openai.Json;
import dev.caravan.openai.SseEvent;
import dev.caravan.openai.SseEventReader;
import dev.caravan.provider.ChunkStream;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.UpstreamResponses;

/**
 * Gemini's SSE stream ({@code alt=sse}), read one event at a time and handed on as OpenAI chunks as soon
 * as each event is mapped (nothing is read ahead). Gemini ends a stream by closing it, so the end is
 * judged by what came before: after a finish reason it is the end of the answer (the usage chunk follows);
 * before any finish reason the stream broke off, and is reported as an error.
 */
final class GeminiChunkStream implements ChunkStream {

    private final InputStream upstream;
    private final SseEventReader reader;
    private final GeminiStreamMapper mapper;
    private final Deque<StreamChunk> pending = new ArrayDeque<>();
    private boolean ended;

    GeminiChunkStream(InputStream upstream, GeminiStreamMapper mapper) {
        this.upstream = upstream;
        this.reader = new SseEventReader(upstream);
        this.mapper = mapper;
    }

    /** Reads the first chunk now (so an early error can still fail over) and keeps it for {@link #next()}. */
    StreamChunk peek() throws IOException {
        if (pending.isEmpty()) {
            StreamChunk first = next();
            if (first != null) {
                pending.addFirst(first);
            }
        }
        return pending.peekFirst();
    }

    @Override
    public StreamChunk next() throws IOException {
        while (pending.isEmpty()) {
            if (ended) {
                return null;
            }
            SseEvent event = reader.next();
            if (event == null) {
                if (!mapper.finished()) {
                    throw new IOException("the Gemini stream ended before a finish reason");
                }
                ended = true;
                StreamChunk usage = mapper.usageChunk();
                if (usage != null) {
                    pending.add(usage);
                }
                continue;
            }
            if (!event.data().isBlank()) {
                pending.addAll(mapper.map(Json.read(event.data().getBytes(StandardCharsets.UTF_8))));
            }
        }
        return pending.poll();
    }

    @Override
    public void abort() {
        pending.clear();
        UpstreamResponses.drop(upstream);
    }

    @Override
    public void close() throws IOException {
        upstream.close();
    }
}
