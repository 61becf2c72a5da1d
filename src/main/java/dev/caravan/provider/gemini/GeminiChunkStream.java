package dev.caravan.provider.gemini;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Deque;

import dev.caravan.openai.Json;
import dev.caravan.openai.SseEvent;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.TranslatedChunkStream;

/**
 * Gemini's SSE stream ({@code alt=sse}), read one event at a time and handed on as OpenAI chunks as soon
 * as each event is mapped (nothing is read ahead). Gemini ends a stream by closing it, so the end is
 * judged by what came before: after a finish reason it is the end of the answer (the usage chunk follows);
 * before any finish reason the stream broke off, and is reported as an error.
 */
final class GeminiChunkStream extends TranslatedChunkStream {

    private final GeminiStreamMapper mapper;
    private boolean ended;

    GeminiChunkStream(InputStream upstream, GeminiStreamMapper mapper) {
        super(upstream);
        this.mapper = mapper;
    }

    @Override
    protected boolean readEvent(Deque<StreamChunk> out) throws IOException {
        if (ended) {
            return false;
        }
        SseEvent event = events.next();
        if (event == null) {
            if (!mapper.finished()) {
                throw new IOException("the Gemini stream ended before a finish reason");
            }
            ended = true;
            StreamChunk usage = mapper.usageChunk();
            if (usage != null) {
                out.add(usage);
            }
        } else if (!event.data().isBlank()) {
            out.addAll(mapper.map(Json.read(event.data().getBytes(StandardCharsets.UTF_8))));
        }
        return true;
    }
}
