package dev.caravan.provider;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

import dev.caravan.openai.SseEventReader;

/**
 * A provider's own SSE stream translated to OpenAI chunks, one upstream event at a time: each event's
 * chunks are handed on as soon as it is mapped (nothing is read ahead). Subclasses say how an event maps and
 * how the provider marks the end of an answer.
 */
public abstract class TranslatedChunkStream implements ChunkStream {

    protected final SseEventReader events;
    private final InputStream upstream;
    private final Deque<StreamChunk> pending = new ArrayDeque<>();

    protected TranslatedChunkStream(InputStream upstream) {
        this.upstream = upstream;
        this.events = new SseEventReader(upstream);
    }

    /**
     * Reads the next upstream event and adds what it maps to (possibly nothing) to {@code out}; false once the
     * answer has ended. Throws when the stream breaks off before the answer ended.
     */
    protected abstract boolean readEvent(Deque<StreamChunk> out) throws IOException;

    /** Reads the first chunk now (so an early error can still fail over) and keeps it for {@link #next()}. */
    public StreamChunk peek() throws IOException {
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
            if (!readEvent(pending)) {
                return null;
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
