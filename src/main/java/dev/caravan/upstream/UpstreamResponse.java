package dev.caravan.upstream;

import dev.caravan.openai.SseEvent;
import io.vertx.core.buffer.Buffer;

/**
 * What {@code upstream:<name>} leaves as the exchange body when the provider answered in a way the caller must
 * handle: either a body read whole, or an event stream that has produced its first event. Technical failures
 * are not responses: they are an {@link UpstreamFailure} on the exchange, for failover to react to.
 */
public sealed interface UpstreamResponse permits UpstreamResponse.Whole, UpstreamResponse.EventStream {

    int status();

    Headers headers();

    /**
     * A body read to its end: a non-streamed answer, a stream request answered 2xx with another content type
     * (some providers answer a streaming request at once as JSON), or a business error (4xx other than 408 and
     * 429) that the client must see as it is.
     */
    record Whole(int status, Headers headers, Buffer body) implements UpstreamResponse {

        public String bodyAsString() {
            return body.toString();
        }

        /** Without the body: it may be large and the caller logs what it needs. */
        @Override
        public String toString() {
            return "Whole[status=" + status + ", " + body.length() + " bytes, headers=" + headers + "]";
        }
    }

    /**
     * A 2xx {@code text/event-stream} answer to a stream request, handed over as soon as its first complete
     * event arrived: by then the provider has committed to this answer (an error before it still fails over)
     * and the client can see its first token without waiting for the rest. The rest comes through
     * {@link #relay()}, which must be started (or cancelled) promptly: the upstream socket is not read until
     * then.
     */
    record EventStream(int status, Headers headers, SseEvent first, Relay relay) implements UpstreamResponse {

        @Override
        public String toString() {
            return "EventStream[status=" + status + ", first event=" + (first.event() == null ? "message" : first.event())
                    + ", headers=" + headers + "]";
        }
    }
}
