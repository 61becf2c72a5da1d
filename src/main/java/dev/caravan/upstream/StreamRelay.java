package dev.caravan.upstream;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.caravan.openai.SseEvent;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.streams.WriteStream;

/**
 * Reads one {@code text/event-stream} response: first until its first event (then {@link Opening} hands the
 * call over to the caller), then as the {@link Relay} the caller drives.
 *
 * <p>Flow control: the response is paused from the first event until {@link #start}, and whenever the caller
 * pauses; a paused response stops reading the socket once Vert.x's small inbound buffer is full. Events that
 * one chunk completes after a pause wait in {@link #pending}, so at most one chunk's worth of events is held.
 * A terminal signal (end or error) is delivered after the pending events, so nothing that arrived is lost.
 *
 * <p>Threading: every field but {@link #started} is touched only on {@link #context}; public methods hop onto
 * it when called from elsewhere. Delivery is not re-entrant: a sink that pauses, resumes or cancels from inside {@code onEvent}
 * changes the state the running delivery loop checks next.
 */
final class StreamRelay implements Relay {

    /** What the call that opened the stream needs to hear until the stream has produced its first event. */
    interface Opening {
        void firstEvent(SseEvent event);

        void failed(UpstreamFailure failure);
    }

    private enum State { OPENING, AWAITING_START, RELAYING, FINISHED }

    private final Context context;
    private final HttpClientRequest request;
    private final HttpClientResponse response;
    private final String label;
    private final Opening opening;
    private final SseParser parser = new SseParser(this::onParsed);
    private final ArrayDeque<SseEvent> pending = new ArrayDeque<>();
    private final Watchdog idle;
    private final long idleMillis;

    private State state = State.OPENING;
    private final AtomicBoolean started = new AtomicBoolean();
    private EventSink sink;
    private boolean pausedByCaller;
    private boolean delivering;
    /** The end or error that follows the pending events: {@link #END}, a Throwable, or null while streaming. */
    private Object terminal;
    private int eventsSeen;
    /** The response ended or broke: the request must not be reset any more (see {@link #resetUpstream}). */
    private boolean upstreamDone;

    private static final Object END = new Object();

    StreamRelay(Vertx vertx, Context context, HttpClientRequest request, HttpClientResponse response,
                long idleTimeoutNanos, String label, Opening opening) {
        this.context = context;
        this.request = request;
        this.response = response;
        this.label = label;
        this.opening = opening;
        this.idleMillis = TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos);
        this.idle = new Watchdog(vertx, idleTimeoutNanos, this::idleTimeout);
    }

    /** Starts reading; on the context, right after the response head arrived. */
    void open() {
        response.handler(this::onChunk);
        response.endHandler(ignored -> onUpstreamEnd());
        response.exceptionHandler(this::onUpstreamError);
    }

    /** The call gave up on this stream before its first event (first-byte timeout): forget it quietly. */
    void abandon() {
        finish();
        resetUpstream();
    }

    @Override
    public void start(EventSink sink) {
        Objects.requireNonNull(sink, "sink");
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a relay is started once");
        }
        onContext(() -> {
            this.sink = sink;
            if (state == State.AWAITING_START) {
                state = State.RELAYING;
            }
            if (state == State.RELAYING && terminal == null) {
                if (pausedByCaller) {
                    idle.stop();
                } else {
                    idle.start();
                    response.resume();
                }
            }
            deliver();
        });
    }

    @Override
    public void pause() {
        onContext(() -> {
            if (state == State.FINISHED || pausedByCaller) {
                return;
            }
            pausedByCaller = true;
            response.pause();
            if (state == State.RELAYING) {
                idle.stop();
            }
        });
    }

    @Override
    public void resume() {
        onContext(() -> {
            if (state == State.FINISHED || !pausedByCaller) {
                return;
            }
            pausedByCaller = false;
            if (state == State.RELAYING) {
                if (terminal == null) {
                    idle.start();
                    response.resume();
                }
                deliver();
            }
        });
    }

    @Override
    public void pipeTo(WriteStream<Buffer> out, Function<SseEvent, Buffer> encode, Consumer<Handler<Void>> onClientGone,
                       Handler<RelayOutcome> done) {
        RelayPipe.start(this, context, out, encode, onClientGone, done);
    }

    @Override
    public void cancel() {
        onContext(() -> {
            if (state == State.FINISHED) {
                return;
            }
            finish();
            resetUpstream();
        });
    }

    private void onChunk(Buffer chunk) {
        if (state == State.FINISHED || terminal != null) {
            return;
        }
        try {
            parser.feed(chunk);
        } catch (SseParser.EventTooLargeException tooLarge) {
            resetUpstream();
            if (state == State.OPENING) {
                failOpening(tooLarge.getMessage() + " before the first event", tooLarge);
            } else {
                breakOff(new UpstreamFailure(UpstreamFailure.Kind.STREAM_CUT, response.statusCode(), null,
                        label + ": " + tooLarge.getMessage()));
            }
            return;
        }
        deliver();
    }

    private void onParsed(SseEvent event) {
        eventsSeen++;
        if (state == State.OPENING) {
            // hold the socket until the caller is ready for the rest; it has this event already
            state = State.AWAITING_START;
            response.pause();
            idle.start();
            opening.firstEvent(event);
        } else if (state != State.FINISHED) {
            pending.add(event);
            idle.touch();
        }
    }

    private void onUpstreamEnd() {
        upstreamDone = true;
        if (state == State.FINISHED || terminal != null) {
            return;
        }
        try {
            parser.finish();
        } catch (SseParser.EventTooLargeException tooLarge) {
            onUpstreamError(tooLarge);
            return;
        }
        if (state == State.OPENING) {
            failOpening("the stream ended before its first event", null);
            return;
        }
        if (state != State.FINISHED) {
            terminal = END;
            idle.stop();
            deliver();
        }
    }

    private void onUpstreamError(Throwable cause) {
        upstreamDone = true;
        if (state == State.FINISHED || terminal != null) {
            return;
        }
        if (state == State.OPENING) {
            failOpening("the stream broke off before its first event (" + cause.getClass().getSimpleName() + ")", cause);
            return;
        }
        breakOff(new UpstreamFailure(UpstreamFailure.Kind.STREAM_CUT, response.statusCode(), null,
                label + ": the stream broke off after " + eventsSeen + " events (" + cause.getClass().getSimpleName() + ")",
                cause));
    }

    private void idleTimeout() {
        if (state == State.FINISHED || terminal != null) {
            return;
        }
        String when = state == State.AWAITING_START ? "the relay was not started" : "no event arrived";
        breakOff(new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, response.statusCode(), null,
                label + ": " + when + " for " + idleMillis + " ms after event " + eventsSeen + "; upstream reset"));
        resetUpstream();
    }

    private void failOpening(String reason, Throwable cause) {
        finish();
        opening.failed(new UpstreamFailure(UpstreamFailure.Kind.STREAM_CUT, response.statusCode(), null,
                label + ": " + reason, cause));
    }

    /** Ends the stream with an error, delivered after the events that arrived before it. */
    private void breakOff(UpstreamFailure failure) {
        terminal = failure;
        idle.stop();
        deliver();
    }

    private void deliver() {
        if (delivering || sink == null || state == State.FINISHED) {
            return;
        }
        delivering = true;
        try {
            while (!pausedByCaller && state != State.FINISHED) {
                SseEvent event = pending.poll();
                if (event == null) {
                    break;
                }
                boolean more;
                try {
                    more = sink.onEvent(event);
                } catch (RuntimeException sinkFailure) {
                    finish();
                    resetUpstream();
                    sink.onError(sinkFailure);
                    return;
                }
                if (!more) {
                    finish();
                    resetUpstream();
                    return;
                }
            }
            if (state != State.FINISHED && pending.isEmpty() && terminal != null) {
                Object end = terminal;
                finish();
                if (end == END) {
                    sink.onEnd();
                } else {
                    sink.onError((Throwable) end);
                }
            }
        } finally {
            delivering = false;
        }
    }

    /**
     * Tells the provider we are gone, unless its response has already ended: Vert.x closes the connection of a
     * request reset after its response ended, and by then that connection is back in the pool serving another
     * call.
     */
    private void resetUpstream() {
        if (!upstreamDone) {
            upstreamDone = true;
            request.reset();
        }
    }

    private void finish() {
        state = State.FINISHED;
        idle.stop();
        pending.clear();
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }
}
