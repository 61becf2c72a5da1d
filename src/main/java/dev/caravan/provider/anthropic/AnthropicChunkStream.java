package dev.caravan.provider.anthropic;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.SseEvent;
import dev.caravan.openai.SseEventReader;
import dev.caravan.provider.ChunkStream;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.UpstreamResponses;

/**
 * Anthropic's SSE stream, read one event at a time and handed on as OpenAI chunks as soon as each event
 * is mapped (nothing is read ahead). A stream that ends before {@code message_stop} broke off, and is
 * reported as an error rather than as a finished answer.
 */
final class AnthropicChunkStream implements ChunkStream {

    private final InputStream upstream;
    private final SseEventReader reader;
    private final AnthropicStreamMapper mapper;
    private final Deque<StreamChunk> pending = new ArrayDeque<>();

    AnthropicChunkStream(InputStream upstream, AnthropicStreamMapper mapper) {
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
            if (mapper.finished()) {
                return null;
            }
            SseEvent event = reader.next();
            if (event == null) {
                throw new IOException("the Anthropic stream ended before message_stop");
            }
            if (event.data().isBlank()) {
                continue;
            }
            JsonNode data = Json.read(event.data().getBytes(StandardCharsets.UTF_8));
            if (data instanceof ObjectNode object && !object.has("type") && event.event() != null) {
                // the event name and the data's type are the same; only the name is needed to know it
                object.put("type", event.event());
            }
            pending.addAll(mapper.map(data));
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
