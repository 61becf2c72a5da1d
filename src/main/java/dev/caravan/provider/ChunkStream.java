package dev.caravan.provider;

/**
 * A provider's streamed answer, translated to OpenAI chunks and pushed to a {@link ChunkSink} as the provider
 * produces them. Nothing is read ahead: while paused, the provider's socket is not read either, so a slow client
 * slows the provider down (TCP backpressure) instead of filling memory.
 *
 * <p>Every method may be called from any thread and never blocks; the sink is called on the thread that reads
 * the provider (a Vert.x event loop), one call at a time.
 */
public interface ChunkStream {

    /** Starts delivering chunks to {@code sink}, then its end or error. Call it once. */
    void start(ChunkSink sink);

    /** Stops delivering chunks (and reading the provider) until {@link #resume()}. */
    void pause();

    void resume();

    /**
     * Gives up on the stream (the client went away): the provider's connection is reset, so it stops generating
     * at once, and the sink is not called any more. Harmless after the stream ended.
     */
    void cancel();
}
