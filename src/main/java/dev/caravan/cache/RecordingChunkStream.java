package dev.caravan.cache;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.caravan.provider.ChunkSink;
import dev.caravan.provider.ChunkStream;
import dev.caravan.provider.StreamChunk;

/**
 * A provider's stream on its way to the client, with a copy of every chunk kept (the usage chunk too) for the
 * cache. The copy is whole only if the provider ended the stream normally and it stayed within the entry size: a
 * stream that broke off, was cancelled (the client left) or grew too large is never stored. The chunks pass on
 * unchanged and at once; pausing, resuming and cancelling go to the provider's stream.
 */
final class RecordingChunkStream implements ChunkStream {

    private final ChunkStream provider;
    private final long maxSize;
    private final List<StreamChunk> recorded = new ArrayList<>();
    private long size;
    private boolean tooLarge;
    private boolean ended;
    private boolean broken;

    RecordingChunkStream(ChunkStream provider, long maxSize) {
        this.provider = provider;
        this.maxSize = maxSize;
    }

    /** The chunks of a stream that ended normally and fit the entry size; null otherwise. */
    synchronized List<StreamChunk> complete() {
        return ended && !broken && !tooLarge ? List.copyOf(recorded) : null;
    }

    /** Whether the stream was given up for being larger than an entry may be. */
    synchronized boolean tooLarge() {
        return tooLarge;
    }

    @Override
    public void start(ChunkSink sink) {
        provider.start(new ChunkSink() {
            @Override
            public void onChunk(StreamChunk chunk) {
                record(chunk);
                sink.onChunk(chunk);
            }

            @Override
            public void onEnd() {
                ended();
                sink.onEnd();
            }

            @Override
            public void onError(IOException failure) {
                broke();
                sink.onError(failure);
            }
        });
    }

    @Override
    public void pause() {
        provider.pause();
    }

    @Override
    public void resume() {
        provider.resume();
    }

    @Override
    public void cancel() {
        broke();
        provider.cancel();
    }

    private synchronized void record(StreamChunk chunk) {
        if (tooLarge || broken) {
            return;
        }
        size += chunk.json().length + 29;
        if (size > maxSize) {
            tooLarge = true;
            recorded.clear();
            return;
        }
        recorded.add(chunk);
    }

    private synchronized void ended() {
        ended = true;
    }

    private synchronized void broke() {
        broken = true;
        recorded.clear();
    }
}
