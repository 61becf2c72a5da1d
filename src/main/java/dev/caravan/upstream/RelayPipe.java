package dev.caravan.upstream;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.caravan.openai.SseEvent;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * The sink behind {@link Relay#pipeTo}: writes each event to a {@link WriteStream} as it arrives, pauses the
 * relay while the stream's write queue is full, and cancels the upstream when the client goes away. Vert.x's
 * own {@code Pipe} cannot be used: it pipes a {@code ReadStream<Buffer>}, and what we relay are parsed events
 * whose encoding the caller chooses.
 */
final class RelayPipe implements EventSink {

    private final Relay relay;
    private final WriteStream<Buffer> out;
    private final Function<SseEvent, Buffer> encode;
    private final Handler<RelayOutcome> done;
    /** Set from the upstream's context and from the client's (close handler, failed writes): first one wins. */
    private final AtomicBoolean finished = new AtomicBoolean();

    private RelayPipe(Relay relay, WriteStream<Buffer> out, Function<SseEvent, Buffer> encode,
                      Handler<RelayOutcome> done) {
        this.relay = relay;
        this.out = out;
        this.encode = encode;
        this.done = done;
    }

    static void start(Relay relay, WriteStream<Buffer> out, Function<SseEvent, Buffer> encode,
                      Consumer<Handler<Void>> onClientGone, Handler<RelayOutcome> done) {
        RelayPipe pipe = new RelayPipe(relay, out, encode, done);
        out.drainHandler(ignored -> relay.resume());
        if (onClientGone != null) {
            onClientGone.accept(ignored -> pipe.clientGone(null));
        }
        relay.start(pipe);
    }

    @Override
    public boolean onEvent(SseEvent event) {
        if (finished.get()) {
            return false;
        }
        out.write(encode.apply(event)).onFailure(this::clientGone);
        if (out.writeQueueFull()) {
            relay.pause();
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

    private void clientGone(Throwable cause) {
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
