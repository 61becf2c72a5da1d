package dev.caravan.provider;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import dev.caravan.openai.SseEvent;
import dev.caravan.upstream.SseParser;
import io.vertx.core.buffer.Buffer;

/**
 * Test support: a recorded SSE stream, parsed as {@code upstream:} parses it, fed through a {@link StreamTranslator} as the relay feeds it (each event,
 * then the close unless the translator finished first), read one chunk at a time.
 */
public final class TranslatedEvents {

    private final Deque<SseEvent> events = new ArrayDeque<>();
    private final StreamTranslator translator;
    private final Deque<StreamChunk> pending = new ArrayDeque<>();
    private boolean closed;

    public TranslatedEvents(String sse, StreamTranslator translator) {
        SseParser parser = new SseParser(events::add);
        parser.feed(Buffer.buffer(sse));
        parser.finish();
        this.translator = translator;
    }

    /** The next chunk; null at the end; throws what the translator throws, when it throws it. */
    public StreamChunk next() throws IOException {
        while (pending.isEmpty()) {
            if (closed || translator.finished()) {
                return null;
            }
            SseEvent event = events.poll();
            if (event == null) {
                closed = true;
                pending.addAll(translator.onClose());
            } else {
                pending.addAll(translator.onEvent(event));
            }
        }
        return pending.poll();
    }

    public List<StreamChunk> readAll() throws IOException {
        List<StreamChunk> chunks = new ArrayList<>();
        StreamChunk chunk;
        while ((chunk = next()) != null) {
            chunks.add(chunk);
        }
        return chunks;
    }
}
