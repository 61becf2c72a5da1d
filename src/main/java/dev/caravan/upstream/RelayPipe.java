package dev.caravan.upstream;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.caravan.openai.SseEvent;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;

/**
 * The sink behind {@link Relay#pipeTo}: writes each event to a {@link WriteStream} as it arrives, pauses the
 * relay while the stream's write queue is full, and cancels the upstream when the client goes away. Vert.x's
 * own {@code Pipe} cannot be used: it pipes a {@code ReadStream<Buffer>}, and what we relay are parsed events
 * whose encoding the caller chooses.
 */
final class RelayPipe implements EventSink {

    private final Relay relay;
    private final Context context;
    private final WriteStream<Buffer> out;
    private final Function<SseEvent, Buffer> encode;
    private final Handler<RelayOutcome> done;
    /** First end wins; client-side signals (close handler, failed writes) hop onto the upstream context first. */
    private final AtomicBoolean finished = new AtomicBoolean();

    private RelayPipe(Relay relay, Context context, WriteStream<Buffer> out, Function<SseEvent, Buffer> encode,
                      Handler<RelayOutcome> done) {
        this.relay = relay;
        this.context = context;
        this.out = out;
        this.encode = encode;
        this.done = done;
    }

    /** {@code context} is the upstream's: {@code done} is called there, whoever notices the end. */
    static void start(Relay relay, Context context, WriteStream<Buffer> out, Function<SseEvent, Buffer> encode,
                      Consumer<Handler<Void>> onClientGone, Handler<RelayOutcome> done) {
        RelayPipe pipe = new RelayPipe(relay, context, out, encode, done);
        out.drainHandler(ignored -> relay.resume());
        if (onClientGone != null) {
            onClientGone.accept(ignored -> pipe.clientGone(null));
        }
        // a client that left before the close handler was registered would otherwise go unnoticed until a write
        if (out instanceof HttpServerResponse response && response.closed()) {
            pipe.clientGone(null);
        }
        if (out.writeQueueFull()) {
            relay.pause();
        }
        relay.start(pipe);
    }

    @Override
    public boolean onEvent(SseEvent event) {
        if (finished.get()) {
            return false;
        }
        Buffer encoded = encode.apply(event);
        try {
            out.write(encoded).onFailure(this::clientGone);
            if (out.writeQueueFull()) {
                relay.pause();
            }
        } catch (RuntimeException closed) {
            // Vert.x throws instead of failing the write once a response has ended
            clientGone(closed);
            return false;
        }
        return true;
    }

    @Override
    public void onEnd() {
        finish(RelayOutcome.completed());
    }

    @Override
    public void onError(Throwable failure) {
        finish(RelayOutcome.upstreamError(failure));
    }

    /** Called from the client's side (close handler, write result) or from {@link #onEvent}: hops to ours. */
    private void clientGone(Throwable cause) {
        if (Vertx.currentContext() != context) {
            context.runOnContext(ignored -> clientGone(cause));
            return;
        }
        if (finished.compareAndSet(false, true)) {
            relay.cancel();
            done.handle(RelayOutcome.clientGone(cause));
        }
    }

    private void finish(RelayOutcome outcome) {
        if (finished.compareAndSet(false, true)) {
            done.handle(outcome);
        }
    }
}
