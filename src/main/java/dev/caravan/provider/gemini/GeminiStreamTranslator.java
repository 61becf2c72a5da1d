package dev.caravan.provider.gemini;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.caravan.openai.Json;
import dev.caravan.openai.SseEvent;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.StreamTranslator;

/**
 * Gemini's SSE events as OpenAI chunks, through {@link GeminiStreamMapper}. Gemini ends a stream by closing
 * it, so the end is judged by what came before: after a finish reason it is the end of the answer (the usage
 * chunk follows); before any finish reason the stream broke off, and is reported as an error.
 */
final class GeminiStreamTranslator implements StreamTranslator {

    private final GeminiStreamMapper mapper;

    GeminiStreamTranslator(GeminiStreamMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public List<StreamChunk> onEvent(SseEvent event) throws IOException {
        if (event.data().isBlank()) {
            return List.of();
        }
        return mapper.map(Json.read(event.data().getBytes(StandardCharsets.UTF_8)));
    }

    /** Never before the close: usage may still come after the finish reason. */
    @Override
    public boolean finished() {
        return false;
    }

    @Override
    public List<StreamChunk> onClose() throws IOException {
        if (!mapper.finished()) {
            throw new IOException("the Gemini stream ended before a finish reason");
        }
        StreamChunk usage = mapper.usageChunk();
        return usage == null ? List.of() : List.of(usage);
    }
}
