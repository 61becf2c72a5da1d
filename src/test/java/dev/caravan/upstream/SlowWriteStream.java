package dev.caravan.upstream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * A client connection the test controls: its write queue is full once it holds {@code capacity} writes, until
 * {@link #drain()} (a slow reader), or it fails every write once {@link #breakWrites()} was called (a client
 * that went away).
 */
final class SlowWriteStream implements WriteStream<Buffer> {

    final List<Buffer> writes = new CopyOnWriteArrayList<>();
    private volatile int capacity;
    private volatile boolean broken;
    private volatile Handler<Void> drainHandler;

    SlowWriteStream(int capacity) {
        this.capacity = capacity;
    }

    /** A client that reads as fast as we write. */
    static SlowWriteStream fast() {
        return new SlowWriteStream(Integer.MAX_VALUE);
    }

    /** The client catches up and reads fast from now on. */
    void drain() {
        capacity = Integer.MAX_VALUE;
        Handler<Void> handler = drainHandler;
        if (handler != null) {
            handler.handle(null);
        }
    }

    void breakWrites() {
        broken = true;
    }

    String written() {
        StringBuilder text = new StringBuilder();
        writes.forEach(buffer -> text.append(buffer.toString()));
        return text.toString();
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (broken) {
            return Future.failedFuture(new IllegalStateException("connection closed"));
        }
        writes.add(data);
        return Future.succeededFuture();
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        write(data).onComplete(handler);
    }

    @Override
    public boolean writeQueueFull() {
        return writes.size() >= capacity;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        drainHandler = handler;
        return this;
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        return this;
    }

    @Override
    public Future<Void> end() {
        return Future.succeededFuture();
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        handler.handle(Future.succeededFuture());
    }
}
