package dev.caravan.upstream;

import java.time.Duration;
import java.util.Optional;

/**
 * A technical failure of one upstream call: what Camel's failover reacts to. Business answers (a 400, a 401, a
 * 404) are not failures; they come back as {@link UpstreamResponse.Whole}.
 *
 * <p>The message names the endpoint, the method and the URI without its query (see
 * {@link UpstreamRequest#target()}), the status and the reason; never a body or a header value. No stack trace
 * is filled in: failover throws these often and the message already says where it came from.
 */
public final class UpstreamFailure extends RuntimeException {

    /** Why the call failed; decides whether it is worth trying elsewhere and what the client is told. */
    public enum Kind {
        /**
         * No usable connection: refused, DNS failure, TLS handshake failure, connect timeout (including the
         * wait for a pooled connection), or the connection closed or reset before the status line arrived.
         */
        CONNECT,
        /** The status line (or a stream's first event) did not arrive within the first-byte timeout, or a
         * stream stayed silent longer than the idle timeout. */
        TIMEOUT,
        /** The provider answered 5xx (529 included), 429 or 408: see {@link #status()} and {@link #retryAfter()}. */
        STATUS,
        /**
         * The answer broke off: a stream that ended or broke before its first event (the exchange fails), or
         * after it (reported to the relay's sink); a whole body cut short; an event beyond the parser's limit.
         */
        STREAM_CUT,
        /** Given up by the gateway itself (a hedged call another provider answered first): the request was reset. */
        CANCELLED
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    public UpstreamFailure(Kind kind, int status, Duration retryAfter, String message) {
        this(kind, status, retryAfter, message, null);
    }

    public UpstreamFailure(Kind kind, int status, Duration retryAfter, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status of the answer, or 0 when none arrived. */
    public int status() {
        return status;
    }

    /** How long the provider asked us to wait ({@code Retry-After}), when it said so. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
