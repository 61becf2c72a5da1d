package dev.caravan.provider;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import dev.caravan.openai.SseEvent;
import dev.caravan.upstream.EventSink;
import dev.caravan.upstream.Relay;
import dev.caravan.upstream.UpstreamResponse;

/**
 * A provider's event stream ({@code upstream:}'s {@link Relay}) translated chunk by chunk. It is handed on only
 * once its first chunk exists: until then the stream can still fail over (an error event, or an end, before any
 * chunk is the provider's technical failure), and events that map to nothing (Azure's prompt annotations,
 * Anthropic's pings) do not count as an answer. The relay is then paused until the writer starts it, so no
 * event is read ahead of the client.
 *
 * <p>Threads: the relay calls {@link EventSink} methods on the provider's event loop; {@link #start} delivers
 * the chunks kept from opening on the caller's thread while the relay is paused, then resumes it.
 */
final class RelayedChunkStream implements ChunkStream, EventSink {

    /** How opening ended: a stream with its first chunk, or the failure that makes the attempt fail over. */
    @FunctionalInterface
    interface Opened {
        void opened(ChunkStream chunks, IOException failure);
    }

    private final Relay relay;
    private final StreamTranslator translator;
    private final Deque<StreamChunk> pending = new ArrayDeque<>();
    private Opened opening;
    private boolean relayStarted;
    private volatile ChunkSink sink;
    private boolean ended;
    /** A break after the first chunk but before {@link #start}: reported after the chunks kept until then. */
    private IOException failedBeforeStart;

    private RelayedChunkStream(Relay relay, StreamTranslator translator, Opened opening) {
        this.relay = relay;
        this.translator = translator;
        this.opening = opening;
    }

    /** Translates events from {@code stream} until the first chunk, then calls {@code opened} once. */
    static void open(UpstreamResponse.EventStream stream, StreamTranslator translator, Opened opened) {
        RelayedChunkStream chunks = new RelayedChunkStream(stream.relay(), translator, opened);
        if (chunks.onEvent(stream.first()) && chunks.opening != null) {
            chunks.relayStarted = true;
            stream.relay().start(chunks);
        }
    }

    @Override
    public void start(ChunkSink sink) {
        while (!pending.isEmpty()) {
            sink.onChunk(pending.poll());
        }
        if (failedBeforeStart != null) {
            sink.onError(failedBeforeStart);
            return;
        }
        if (ended) {
            sink.onEnd();
            return;
        }
        this.sink = sink;
        if (!relayStarted) {
            relayStarted = true;
            relay.start(this);
        }
        // opening paused it once it had a chunk (whether or not it had started it)
        relay.resume();
    }

    @Override
    public void pause() {
        relay.pause();
    }

    @Override
    public void resume() {
        relay.resume();
    }

    @Override
    public void cancel() {
        relay.cancel();
    }

    @Override
    public boolean onEvent(SseEvent event) {
        if (ended) {
            return true; // the answer is complete; the rest (if any) is read so the connection can be reused
        }
        List<StreamChunk> chunks;
        try {
            chunks = translator.onEvent(event);
        } catch (IOException e) {
            fail(e);
            return false;
        }
        deliver(chunks);
        if (translator.finished()) {
            end();
        }
        return true;
    }

    @Override
    public void onEnd() {
        if (ended) {
            return;
        }
        try {
            deliver(translator.onClose());
        } catch (IOException e) {
            fail(e);
            return;
        }
        end();
    }

    @Override
    public void onError(Throwable failure) {
        if (!ended) {
            fail(failure instanceof IOException io ? io : new IOException(failure.getMessage(), failure));
        }
    }

    private void deliver(List<StreamChunk> chunks) {
        ChunkSink current = sink;
        if (current != null) {
            chunks.forEach(current::onChunk);
            return;
        }
        pending.addAll(chunks);
        if (!pending.isEmpty() && opening != null) {
            relay.pause();
            opened(null);
        }
    }

    private void end() {
        ended = true;
        if (opening != null) {
            // ended before a single chunk: nothing to hand on
            opened(new IOException("the stream ended before its first chunk"));
        } else if (sink != null) {
            sink.onEnd();
        }
    }

    private void fail(IOException failure) {
        ended = true;
        if (opening != null) {
            opened(failure);
        } else if (sink != null) {
            sink.onError(failure);
        } else {
            failedBeforeStart = failure;
        }
    }

    private void opened(IOException failure) {
        Opened callback = opening;
        opening = null;
        callback.opened(failure == null ? this : null, failure);
    }
}
