package dev.caravan.eventloop;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.vertx.core.Context;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.MDC;

/**
 * A route step that leaves the Vert.x event loop only when it has to wait. On an event-loop thread it first
 * tries the step's {@link NonBlockingStep}; when that finishes, the route goes on at once, on the loop. When it
 * says it would have to wait (a key not cached, a credit lease to grow, a full queue), the blocking version runs
 * on the worker {@link Executor} and the route goes on from there ({@code callback.done(false)}), so the loop is
 * free for other requests meanwhile. On any other thread (a worker already) the blocking version runs in place:
 * it may wait there, and trying first would only do part of its work twice.
 *
 * <p>Failures of either version become the exchange's exception, for the route's error handling. The logging
 * context (MDC) goes along with a hop, and the worker's own is restored after it.
 */
public final class OffLoop extends AsyncProcessorSupport {

    private final String name;
    private final NonBlockingStep attempt;
    private final Processor blocking;
    private final Executor worker;

    private OffLoop(String name, NonBlockingStep attempt, Processor blocking, Executor worker) {
        this.name = name;
        this.attempt = attempt;
        this.blocking = blocking;
        this.worker = worker;
    }

    /**
     * @param name     what the step is, for logs, traces and tests
     * @param attempt  the step's work if it can be done without waiting
     * @param blocking the whole step, waiting where it must (the database, a lock, a queue)
     * @param worker   where the blocking version runs when the step started on the event loop
     */
    public static OffLoop step(String name, NonBlockingStep attempt, Processor blocking, Executor worker) {
        return new OffLoop(name, attempt, blocking, worker);
    }

    public String name() {
        return name;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (!Context.isOnEventLoopThread()) {
            runBlocking(exchange);
            callback.done(true);
            return true;
        }
        try {
            if (attempt.tryProcess(exchange)) {
                callback.done(true);
                return true;
            }
        } catch (Throwable e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        try {
            worker.execute(() -> {
                Map<String, String> workerContext = MDC.getCopyOfContextMap();
                setLogContext(logContext);
                try {
                    runBlocking(exchange);
                    callback.done(false);
                } finally {
                    setLogContext(workerContext);
                }
            });
            return false;
        } catch (RejectedExecutionException e) {
            // the worker pool is shutting down: the route answers with its error handling, on the loop
            exchange.setException(e);
            callback.done(true);
            return true;
        }
    }

    private void runBlocking(Exchange exchange) {
        try {
            blocking.process(exchange);
        } catch (Throwable e) {
            // whatever went wrong must reach the route's error handling: a callback never called leaves the
            // client waiting
            exchange.setException(e);
        }
    }

    private static void setLogContext(Map<String, String> context) {
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }

    @Override
    public String toString() {
        return "offLoop(" + name + ")";
    }
}
