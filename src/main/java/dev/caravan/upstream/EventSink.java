package dev.caravan.upstream;

import dev.caravan.openai.SseEvent;

/**
 * Receives the rest of an event stream from a {@link Relay}. Every method is called on the Vert.x context of the
 * upstream request (an event-loop thread), one call at a time, and must not block. After {@link #onEnd()} or
 * {@link #onError(Throwable)} nothing more is called; after {@code onEvent} returned false, or after
 * {@link Relay#cancel()}, nothing at all.
 */
public interface EventSink {

    /**
     * The next event. Return false to stop: the relay resets the upstream request (the provider sees the
     * connection close and stops generating) and calls nothing more. An exception thrown here stops the relay
     * the same way and comes back through {@link #onError(Throwable)}.
     */
    boolean onEvent(SseEvent event);

    /** The upstream finished the stream normally; every event has been delivered. */
    void onEnd();

    /**
     * The stream did not finish: the upstream broke off ({@link UpstreamFailure.Kind#STREAM_CUT}), stayed silent
     * longer than the idle timeout ({@link UpstreamFailure.Kind#TIMEOUT}), or this sink's own {@code onEvent}
     * threw (that exception). Events that arrived before are delivered first.
     */
    void onError(Throwable failure);
}
