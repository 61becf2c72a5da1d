package dev.caravan.http;

import java.io.IOException;
import java.io.OutputStream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The client's side of a stream, written from the request's thread: what is written up to a {@link #flush} goes
 * out as one write. While Vert.x's write queue for the client is full, flush waits for it to drain, so a slow
 * client slows the reading of the upstream (backpressure) instead of piling the answer up in memory. A client
 * that closes its connection makes the next write fail and calls {@code onClientGone} at once (which drops the
 * upstream connection, even while the request's thread waits on the provider).
 */
public final class ClientStream extends OutputStream {

    private final HttpServerResponse response;
    private final Object drained = new Object();
    private Buffer pending = Buffer.buffer(512);
    private volatile boolean gone;

    public ClientStream(HttpServerResponse response, Runnable onClientGone) {
        this.response = response;
        response.closeHandler(closed -> {
            if (!response.ended()) {
                gone = true;
                wake();
                onClientGone.run();
            }
        });
        response.drainHandler(ready -> wake());
    }

    @Override
    public void write(int b) {
        pending.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        pending.appendBytes(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
        if (gone) {
            throw new IOException("the client closed the connection");
        }
        if (pending.length() == 0) {
            return;
        }
        Buffer chunk = pending;
        pending = Buffer.buffer(512);
        response.write(chunk);
        synchronized (drained) {
            while (response.writeQueueFull() && !gone) {
                try {
                    drained.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while the client was slow", e);
                }
            }
        }
        if (gone) {
            throw new IOException("the client closed the connection");
        }
    }

    /** Ends the response (the stream is complete, or ended with an error event). */
    @Override
    public void close() {
        if (!gone && !response.ended()) {
            response.end(pending);
        }
    }

    private void wake() {
        synchronized (drained) {
            drained.notifyAll();
        }
    }
}
