package dev.caravan.provider.anthropic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.SseEvent;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.StreamTranslator;

/**
 * Anthropic's SSE events as OpenAI chunks, through {@link AnthropicStreamMapper}. A stream that ends before
 * {@code message_stop} broke off, and is reported as an error rather than as a finished answer.
 */
final class AnthropicStreamTranslator implements StreamTranslator {

    private final AnthropicStreamMapper mapper;

    AnthropicStreamTranslator(AnthropicStreamMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public List<StreamChunk> onEvent(SseEvent event) throws IOException {
        if (event.data().isBlank()) {
            return List.of();
        }
        JsonNode data = Json.read(event.data().getBytes(StandardCharsets.UTF_8));
        if (data instanceof ObjectNode object && !object.has("type") && event.event() != null) {
            // the event name and the data's type are the same; only the name is needed to know it
            object.put("type", event.event());
        }
        return mapper.map(data);
    }

    @Override
    public boolean finished() {
        return mapper.finished();
    }

    @Override
    public List<StreamChunk> onClose() throws IOException {
        throw new IOException("the Anthropic stream ended before message_stop");
    }
}
