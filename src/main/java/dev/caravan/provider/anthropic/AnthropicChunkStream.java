package dev.caravan.provider.anthropic;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Deque;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.SseEvent;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.TranslatedChunkStream;

/**
 * Anthropic's SSE stream, read one event at a time and handed on as OpenAI chunks as soon as each event
 * is mapped (nothing is read ahead). A stream that ends before {@code message_stop} broke off, and is
 * reported as an error rather than as a finished answer.
 */
final class AnthropicChunkStream extends TranslatedChunkStream {

    private final AnthropicStreamMapper mapper;

    AnthropicChunkStream(InputStream upstream, AnthropicStreamMapper mapper) {
        super(upstream);
        this.mapper = mapper;
    }

    @Override
    protected boolean readEvent(Deque<StreamChunk> out) throws IOException {
        if (mapper.finished()) {
            return false;
        }
        SseEvent event = events.next();
        if (event == null) {
            throw new IOException("the Anthropic stream ended before message_stop");
        }
        if (!event.data().isBlank()) {
            JsonNode data = Json.read(event.data().getBytes(StandardCharsets.UTF_8));
            if (data instanceof ObjectNode object && !object.has("type") && event.event() != null) {
                // the event name and the data's type are the same; only the name is needed to know it
                object.put("type", event.event());
            }
            out.addAll(mapper.map(data));
        }
        return true;
    }
}
