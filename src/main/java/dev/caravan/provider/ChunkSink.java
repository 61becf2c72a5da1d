package dev.caravan.provider;

import java.io.IOException;

/** Receives a {@link ChunkStream}: chunks in order, then exactly one of {@link #onEnd()} or {@link #onError}. */
public interface ChunkSink {

    void onChunk(StreamChunk chunk);

    /** The answer is complete. */
    void onEnd();

    /**
     * The answer broke off: {@link UpstreamStreamException} when the provider sent an error event, another
     * {@link IOException} when its stream was cut, went silent or ended before the answer did.
     */
    void onError(IOException failure);
}
