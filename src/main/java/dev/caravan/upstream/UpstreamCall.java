package dev.caravan.upstream;

import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.caravan.openai.SseEvent;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;

/**
 * One upstream call from connection to outcome, on one Vert.x context: connect, send, wait for the head (and for
 * a stream its first event) within the first-byte timeout, then classify. It completes exactly once with an
 * {@link UpstreamResponse} or an {@link UpstreamFailure}; whatever happens after that (a late reset, a timer)
 * is ignored.
 *
 * <p>Failure answers (5xx, 429, 408) complete at once, without waiting for their body: failover should move on
 * as soon as the status is known. The body is still read and dropped in the background, so the connection can
 * go back to the pool; one that does not finish within the idle timeout is reset instead.
 */
final class UpstreamCall {

    /** Framing and connection headers: the client sets them from the body it sends. */
    private static final Set<String> CLIENT_OWNED_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "upgrade", "te", "trailer");

    private final String label;
    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final UpstreamRequest request;
    private final Clock clock;
    private final Handler<Object> completion;
    private final Runnable answering;
    private final Watchdog firstByte;

    private boolean completed;
    private HttpClientRequest httpRequest;
    /** The status of the answer once its head arrived, 0 before. */
    private int headStatus;
    private StreamRelay relay;
    /** The timer of the request's total deadline, -1 when none runs. */
    private long deadlineTimer = -1;

    /**
     * @param completion called once on {@code context} with an {@link UpstreamResponse} or an
     *                   {@link UpstreamFailure}
     * @param answering  told when a success status line arrived (the answer began), before the call completes
     */
    UpstreamCall(String endpointName, Vertx vertx, Context context, HttpClient client, UpstreamRequest request,
                 Clock clock, Handler<Object> completion, Runnable answering) {
        this.label = "upstream:" + endpointName + " " + request.target();
        this.vertx = vertx;
        this.context = context;
        this.client = client;
        this.request = request;
        this.clock = clock;
        this.completion = completion;
        this.answering = answering;
        this.firstByte = new Watchdog(vertx, request.firstByteTimeout().toNanos(), this::firstByteTimeout);
    }

    /** Runs on {@code context}. Whatever goes wrong, the call completes: an exchange must never hang. */
    void start() {
        try {
            if (request.deadlineNanos() != 0) {
                long left = request.deadlineNanos() - System.nanoTime();
                if (left <= 0) {
                    fail(new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, 0, null,
                            label + ": the request's total deadline passed before the call"));
                    return;
                }
                // one timer for the whole call: connect, status line, first event or body end
                deadlineTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)), id -> deadlinePassed());
            }
            connect();
        } catch (RuntimeException unexpected) {
            fail(new UpstreamFailure(UpstreamFailure.Kind.CONNECT, 0, null,
                    label + ": the request could not be sent (" + describe(unexpected) + ")", unexpected));
        }
    }

    private void connect() {
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setAbsoluteURI(request.uri().toString())
                .setHeaders(requestHeaders())
                .setFollowRedirects(false)
                .setConnectTimeout(request.connectTimeout().toMillis());
        client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                fail(new UpstreamFailure(UpstreamFailure.Kind.CONNECT, 0, null,
                        label + ": no connection (" + describe(connected.cause()) + ")", connected.cause()));
            } else {
                send(connected.result());
            }
        });
    }

    private void send(HttpClientRequest sent) {
        if (completed) {
            // the request was given up (cannot happen before connect today; cheap to be sure)
            sent.reset();
            return;
        }
        httpRequest = sent;
        firstByte.start();
        sent.send(request.body()).onComplete(answered -> {
            if (answered.failed()) {
                fail(new UpstreamFailure(UpstreamFailure.Kind.CONNECT, 0, null,
                        label + ": the connection broke before the status line (" + describe(answered.cause()) + ")",
                        answered.cause()));
            } else {
                onHead(answered.result());
            }
        });
    }

    private void onHead(HttpClientResponse response) {
        if (completed) {
            return;
        }
        int status = response.statusCode();
        headStatus = status;
        Headers headers = Headers.from(response.headers());
        if (isFailureStatus(status)) {
            drainAndDrop(response);
            fail(new UpstreamFailure(UpstreamFailure.Kind.STATUS, status, RetryAfter.from(headers, clock),
                    label + ": HTTP " + status));
        } else if (request.stream() && status / 100 == 2 && isEventStream(headers.first("content-type"))) {
            openStream(response, status, headers);
        } else {
            readWhole(response, status, headers);
        }
    }

    private void openStream(HttpClientResponse response, int status, Headers headers) {
        relay = new StreamRelay(vertx, context, httpRequest, response, request.idleTimeout().toNanos(), label,
                new StreamRelay.Opening() {
                    @Override
                    public void firstEvent(SseEvent event) {
                        succeed(new UpstreamResponse.EventStream(status, headers, event, relay));
                    }

                    @Override
                    public void failed(UpstreamFailure failure) {
                        fail(failure);
                    }
                });
        relay.open();
    }

    /**
     * Collects the body chunk by chunk (what {@code response.body()} does) so that each chunk can keep the idle
     * timeout from firing: a large body that keeps arriving is fine, one that stalls is not.
     */
    private void readWhole(HttpClientResponse response, int status, Headers headers) {
        firstByte.stop();
        // a stream's answer begins with its first event, which completes the call; a whole one with its head
        answering.run();
        Buffer body = Buffer.buffer();
        Watchdog idle = new Watchdog(vertx, request.idleTimeout().toNanos(), () -> {
            if (!completed) {
                fail(new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, status, null, label + ": the HTTP " + status
                        + " body stalled for " + request.idleTimeout().toMillis() + " ms after " + body.length() + " bytes"));
            }
        });
        idle.start();
        response.handler(chunk -> {
            body.appendBuffer(chunk);
            idle.touch();
        });
        response.exceptionHandler(broken -> {
            idle.stop();
            fail(new UpstreamFailure(UpstreamFailure.Kind.STREAM_CUT, status, null, label + ": the HTTP " + status
                    + " body broke off after " + body.length() + " bytes (" + describe(broken) + ")", broken));
        });
        response.endHandler(ignored -> {
            idle.stop();
            succeed(new UpstreamResponse.Whole(status, headers, body));
        });
    }

    private void drainAndDrop(HttpClientResponse response) {
        HttpClientRequest drained = httpRequest;
        Watchdog guard = new Watchdog(vertx, request.idleTimeout().toNanos(), drained::reset);
        guard.start();
        response.handler(chunk -> guard.touch());
        response.exceptionHandler(ignored -> guard.stop());
        response.endHandler(ignored -> guard.stop());
    }

    private void firstByteTimeout() {
        if (completed) {
            return;
        }
        String what = relay != null ? "no first event" : "no status line";
        fail(new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, headStatus, null,
                label + ": " + what + " within " + request.firstByteTimeout().toMillis() + " ms"));
    }

    /**
     * Gives the call up (a hedged attempt another provider answered first): the request is reset, so the
     * provider stops generating, and the call completes with a {@link UpstreamFailure.Kind#CANCELLED} failure.
     * Runs on {@code context}; harmless once the call completed.
     */
    void cancel() {
        fail(new UpstreamFailure(UpstreamFailure.Kind.CANCELLED, headStatus, null,
                label + ": cancelled, another provider answered first"));
    }

    private void deadlinePassed() {
        deadlineTimer = -1;
        if (completed) {
            return;
        }
        fail(new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, headStatus, null,
                label + ": the request's total deadline passed"));
    }

    private void stopDeadline() {
        if (deadlineTimer >= 0) {
            vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
    }

    private void succeed(UpstreamResponse response) {
        if (completed) {
            return;
        }
        completed = true;
        firstByte.stop();
        stopDeadline();
        completion.handle(response);
    }

    private void fail(UpstreamFailure failure) {
        if (completed) {
            return;
        }
        completed = true;
        firstByte.stop();
        stopDeadline();
        if (relay != null) {
            relay.abandon();
        } else if (httpRequest != null && failure.kind() != UpstreamFailure.Kind.STATUS) {
            // nothing more will be read from this request: close its connection instead of leaving it waiting
            httpRequest.reset();
        }
        completion.handle(failure);
    }

    private MultiMap requestHeaders() {
        MultiMap headers = HttpHeaders.headers();
        for (Headers.Field field : request.headers()) {
            if (!CLIENT_OWNED_HEADERS.contains(field.name().toLowerCase(Locale.ROOT))) {
                headers.add(field.name(), field.value());
            }
        }
        return headers;
    }

    static boolean isFailureStatus(int status) {
        return status >= 500 || status == 429 || status == 408;
    }

    static boolean isEventStream(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.trim();
        int semicolon = type.indexOf(';');
        if (semicolon >= 0) {
            type = type.substring(0, semicolon).trim();
        }
        return type.equalsIgnoreCase("text/event-stream");
    }

    /** The exception's type and message; Vert.x and Netty put host and port in them, never a query or body. */
    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + firstLine(message));
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        // Vert.x timeout messages name the request URI; drop a query should one appear
        return line.replaceAll("\\?\\S*", "");
    }
}
