package dev.caravan.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * One call to a provider, as the body of an exchange sent to {@code upstream:<name>}.
 *
 * <p>Only complete events count for a stream's timeouts, not {@code :} keep-alive comments: a provider that
 * only keeps the connection warm gives the client nothing, and the timeouts exist for the client's sake.
 *
 * @param method           the HTTP method
 * @param uri              the absolute {@code http} or {@code https} URI
 * @param headers          the request headers, credentials included; {@code host}, {@code content-length},
 *                         {@code transfer-encoding} and {@code connection} are ignored: the client frames the
 *                         request itself and a caller's value could only contradict it
 * @param body             the request body, may be empty (never null once built)
 * @param stream           the caller asked the provider for {@code text/event-stream}: a 2xx answer of that
 *                         type completes the exchange at its first event with an {@link UpstreamResponse.EventStream}
 * @param connectTimeout   how long to wait for a connection (from the pool, or a new one with its TLS handshake)
 * @param firstByteTimeout how long to wait, once connected, for the status line, and for a stream also for the
 *                         first complete event (a stream that only sends its headers has not answered yet)
 * @param idleTimeout      the longest silence allowed after that: between stream events, or between the chunks
 *                         of a whole body
 * @param deadlineNanos    the {@code System.nanoTime()} by which the call must have completed (its status line, and
 *                         a stream's first event or a whole body's end), whatever the timeouts above allow; 0 for
 *                         none. A call started after it fails at once without touching the network.
 */
public record UpstreamRequest(HttpMethod method, URI uri, Headers headers, Buffer body, boolean stream,
                              Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout,
                              long deadlineNanos) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Generous: a non-streamed completion sends its status line only once the whole answer is generated. */
    public static final Duration DEFAULT_FIRST_BYTE_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public UpstreamRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new IllegalArgumentException("an upstream request needs an absolute http(s) URI, got " + safeUri(uri));
        }
        headers = headers == null ? Headers.empty() : headers;
        body = body == null ? Buffer.buffer() : body;
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(firstByteTimeout, "firstByteTimeout");
        requirePositive(idleTimeout, "idleTimeout");
    }

    /** A request without a total deadline. */
    public UpstreamRequest(HttpMethod method, URI uri, Headers headers, Buffer body, boolean stream,
                           Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout) {
        this(method, uri, headers, body, stream, connectTimeout, firstByteTimeout, idleTimeout, 0);
    }

    /** A POST with the default timeouts; {@link #withTimeouts} changes them. */
    public static UpstreamRequest post(URI uri, Headers headers, Buffer body, boolean stream) {
        return new UpstreamRequest(HttpMethod.POST, uri, headers, body, stream,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_FIRST_BYTE_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
    }

    public UpstreamRequest withTimeouts(Duration connect, Duration firstByte, Duration idle) {
        return new UpstreamRequest(method, uri, headers, body, stream, connect, firstByte, idle, deadlineNanos);
    }

    /** This request with a total deadline ({@code System.nanoTime()} value; 0: none). */
    public UpstreamRequest withDeadline(long deadline) {
        return new UpstreamRequest(method, uri, headers, body, stream, connectTimeout, firstByteTimeout, idleTimeout,
                deadline);
    }

    /**
     * The method and the URI without its query and user info: what logs and exception messages may show. A
     * query can carry a key (Gemini accepts {@code ?key=}), so it is never shown.
     */
    public String target() {
        return method.name() + " " + safeUri(uri);
    }

    /** Never the body nor header values that carry credentials: requests end up in Camel's exchange logs. */
    @Override
    public String toString() {
        return "UpstreamRequest[" + target() + (stream ? ", stream" : "") + ", " + body.length() + " bytes, headers="
                + headers + "]";
    }

    static String safeUri(URI uri) {
        if (uri == null) {
            return "null";
        }
        if (uri.getHost() == null) {
            return "<not an absolute URI>";
        }
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + uri.getHost() + port + path;
    }

    private static void requirePositive(Duration timeout, String name) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + timeout);
        }
    }
}
