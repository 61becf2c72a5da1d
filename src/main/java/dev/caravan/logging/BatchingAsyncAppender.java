package dev.caravan.logging;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;

/**
 * Writes its events to the appenders attached to it from a thread of its own, as logback's AsyncAppender does,
 * but without waking that thread for each event: it wakes every {@code flushMillis} and writes what came. The
 * AsyncAppender's blocking queue woke its worker once per access line (an unpark on the request's thread, a park
 * on the worker's), which was most of what a line cost (bench/README.md).
 *
 * <p>Never blocks the logging thread: beyond {@code queueSize} waiting events, new ones are dropped and counted.
 * Events left when it stops are written before it returns.
 */
public class BatchingAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {

    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private final ConcurrentLinkedQueue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private int queueSize = 16384;
    private int flushMillis = 20;
    private volatile Thread writer;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setFlushMillis(int flushMillis) {
        this.flushMillis = flushMillis;
    }

    /** Events dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        Thread thread = new Thread(this::writeUntilStopped, "log-writer-" + getName());
        thread.setDaemon(true);
        writer = thread;
        super.start();
        thread.start();
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        Thread thread = writer;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeWaiting();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (waiting.incrementAndGet() > queueSize) {
            waiting.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        // the message and the MDC as they are now, on the logging thread
        event.prepareForDeferredProcessing();
        queue.offer(event);
    }

    private void writeUntilStopped() {
        long pause = TimeUnit.MILLISECONDS.toNanos(flushMillis);
        while (isStarted()) {
            LockSupport.parkNanos(this, pause);
            writeWaiting();
        }
    }

    private void writeWaiting() {
        for (ILoggingEvent event; (event = queue.poll()) != null;) {
            waiting.decrementAndGet();
            appenders.appendLoopOnAppenders(event);
        }
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
