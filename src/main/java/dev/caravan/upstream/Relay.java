package dev.caravan.upstream;

import java.util.function.Consumer;
import java.util.function.Function;

import dev.caravan.openai.SseEvent;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * The rest of an event stream after its first event (which the caller already has in
 * {@link UpstreamResponse.EventStream#first()}; it is not delivered again). The upstream socket is not read
 * until {@link #start} is called, and not while the relay is paused: backpressure reaches the provider through
 * TCP instead of piling events up in memory.
 *
 * <p>Every method may be called from any thread and never blocks; the work runs on the Vert.x context of the
 * upstream request, where the sink is called too.
 */
public interface Relay {

    /**
     * Starts delivering events to {@code sink}, then its end or error. Call it once. If it is called later than
     * the request's idle timeout after the first event, the upstream has been reset meanwhile and the sink gets
     * {@link EventSink#onError} with a {@link UpstreamFailure.Kind#TIMEOUT} (a relay nobody starts must not hold
     * a provider connection forever).
     */
    void start(EventSink sink);

    /**
     * Stops delivering events and stops reading the upstream socket. The idle timeout does not run while
     * paused: silence we asked for is not the provider's fault.
     */
    void pause();

    /** Delivers what arrived meanwhile and reads the upstream socket again. */
    void resume();

    /**
     * Resets the upstream request so the provider sees the connection close at once and stops generating. The
     * sink is not called any more. Harmless when the stream has already finished.
     */
    void cancel();

    /**
     * Relays the rest of the stream into {@code out}, one {@code write} per event as it arrives, with
     * backpressure: while {@code out.writeQueueFull()} the upstream is paused, and {@code out}'s drain handler
     * resumes it. {@code out} is neither ended nor closed: the caller may still write a trailer.
     *
     * @param out          where the encoded events go, typically the client's {@code HttpServerResponse}
     * @param encode       one event as the bytes the client receives, e.g. {@code data: …\n\n}
     * @param onClientGone registers a handler to call when the client goes away, e.g.
     *                     {@code h -> response.closeHandler(h)}; null to rely on failed writes only (a write
     *                     fails only when there is something to write, so a silent stream would notice late)
     * @param done         called once, on the upstream's context, with how the relay ended; an exception from
     *                     {@code encode} ends it as UPSTREAM_ERROR with that exception as the cause (and resets the
     *                     upstream), a write that fails or throws as CLIENT_GONE
     */
    void pipeTo(WriteStream<Buffer> out, Function<SseEvent, Buffer> encode, Consumer<Handler<Void>> onClientGone,
                Handler<RelayOutcome> done);

    /** {@link #pipeTo(WriteStream, Function, Consumer, Handler)} noticing a gone client by failed writes only. */
    default void pipeTo(WriteStream<Buffer> out, Function<SseEvent, Buffer> encode, Handler<RelayOutcome> done) {
        pipeTo(out, encode, null, done);
    }
}
