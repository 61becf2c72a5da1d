package dev.caravan.provider;

import java.io.Closeable;
import java.io.IOException;

/**
 * A provider's streamed answer, translated to OpenAI chunks, read one chunk at a time as the provider
 * produces it. A provider error in the middle of the stream is thrown as {@link UpstreamStreamException}.
 */
public interface ChunkStream extends Closeable {

    /** The next chunk, blocking until the provider has sent it; null when the stream has ended. */
    StreamChunk next() throws IOException;

    /** Gives up on the stream without reading the rest (the client went away): drops the upstream connection. */
    void abort();
}
