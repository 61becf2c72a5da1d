package dev.caravan.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.Executor;

import dev.caravan.eventloop.EventLoopRoute;
import dev.caravan.openai.OpenAiError;
import dev.caravan.upstream.UpstreamComponent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumerAware;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * platform-http's Vert.x consumer, with its {@code handleRequest} replaced (the only method that differs; Camel
 * changes this class between releases, so {@code GatewayHttpConsumerTest} pins its behaviour against the Camel in
 * the pom). In Camel 4.17.0 the stock one runs each exchange inside {@code vertx.executeBlocking} and waits on a
 * latch, and writes the response with a writer that fails once a step has written the head itself (a stream).
 * This one reads the request on the event loop, hands the exchange to {@code executor} and drives the route with
 * its asynchronous processor; the response is written from the route's callback, unless a step already answered
 * (a stream, written event by event). Routes that may block (the admin and usage APIs use JDBC) run on the
 * executor, a worker: a virtual thread per request on JDK 21+.
 *
 * <p>A route marked with {@link EventLoopRoute} runs on the event loop instead, in the callback that read its
 * body, when the engine allows it ({@code caravan.http.event-loop}): its steps promise not to block there, and
 * hand what must wait to a worker themselves ({@link dev.caravan.eventloop.OffLoop}).
 */
final class GatewayHttpConsumer extends VertxPlatformHttpConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHttpConsumer.class);

    private final Executor executor;
    private final boolean eventLoopAllowed;
    /** Whether this consumer's route runs on the event loop: allowed, and the route is marked. Null until known. */
    private volatile Boolean onEventLoop;

    GatewayHttpConsumer(PlatformHttpEndpoint endpoint, Processor processor, GatewayHttpEngine engine, Executor executor,
            boolean eventLoopAllowed) {
        super(endpoint, processor, engine.getHandlers(), engine.routerName());
        this.executor = executor;
        this.eventLoopAllowed = eventLoopAllowed;
    }

    @Override
    protected void handleRequest(RoutingContext ctx) {
        if (isSuspended()) {
            HttpErrors.write(ctx, new OpenAiError(503, "The gateway is shutting down; retry on another replica.",
                    OpenAiError.API_ERROR, null, "service_unavailable"));
            return;
        }
        Exchange exchange = createExchange(false);
        exchange.setPattern(ExchangePattern.InOut);
        // the provider is called, and its answer written, on this request's event loop (see UpstreamComponent)
        exchange.setProperty(UpstreamComponent.CONTEXT_PROPERTY, Vertx.currentContext());
        processHttpRequest(exchange, ctx).onComplete(read -> {
            if (read.failed()) {
                fail(ctx, exchange, read.cause());
                return;
            }
            if (onEventLoop()) {
                runOnEventLoop(ctx, exchange);
            } else {
                executor.execute(() -> run(ctx, exchange));
            }
        });
    }

    /**
     * Whether the route runs on the event loop; looked up on the first request, when the route is registered
     * (platform-http wraps this consumer in one of its own, which alone is told its route).
     */
    private boolean onEventLoop() {
        Boolean known = onEventLoop;
        if (known == null) {
            if (!eventLoopAllowed) {
                known = false;
            } else {
                Route route = ownRoute();
                if (route == null) {
                    return false;
                }
                known = EventLoopRoute.isMarked(route);
            }
            onEventLoop = known;
        }
        return known;
    }

    private Route ownRoute() {
        for (Route route : getEndpoint().getCamelContext().getRoutes()) {
            if (route.getConsumer() instanceof PlatformHttpConsumerAware outer && outer.getPlatformHttpConsumer() == this) {
                return route;
            }
        }
        return null;
    }

    /**
     * Runs the route on this event loop as far as it goes without waiting. The loop serves many requests in
     * turn, so the logging context a step set for this one (its request id) is not left for the next.
     */
    private void runOnEventLoop(RoutingContext ctx, Exchange exchange) {
        try {
            run(ctx, exchange);
        } finally {
            MDC.clear();
        }
    }

    private void run(RoutingContext ctx, Exchange exchange) {
        try {
            createUoW(exchange);
        } catch (Exception e) {
            fail(ctx, exchange, e);
            return;
        }
        getAsyncProcessor().process(exchange, doneSync -> {
            if (!ctx.response().headWritten() && exchange.getException() == null
                    && exchange.getMessage().getBody() instanceof InputStream && Context.isOnEventLoopThread()) {
                // relaying a stream waits for the client to take each part, and that wait is served by this loop
                executor.execute(() -> respond(ctx, exchange));
            } else {
                respond(ctx, exchange);
            }
        });
    }

    private void respond(RoutingContext ctx, Exchange exchange) {
        try {
            if (!ctx.response().headWritten()) {
                write(ctx.response(), exchange);
            }
        } catch (RuntimeException e) {
            LOG.warn("response could not be written: {}", e.toString());
        } finally {
            done(exchange);
        }
    }

    /**
     * The exchange's answer: its status, the headers the route left (Camel's own are internal), its body. The
     * routes answer every failure themselves, OpenAI-shaped; an exception left here is answered as a 500.
     */
    private static void write(HttpServerResponse response, Exchange exchange) {
        if (exchange.getException() != null) {
            LOG.error("a route left an unhandled {}", exchange.getException().getClass().getName());
            HttpErrors.write(response, null, OpenAiError.internal());
            return;
        }
        Message message = exchange.getMessage();
        response.setStatusCode(message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class));
        for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
            String name = header.getKey();
            if (header.getValue() != null && !name.startsWith("Camel") && !name.equalsIgnoreCase("Content-Length")) {
                response.putHeader(name, header.getValue().toString());
            }
        }
        Object body = message.getBody();
        if (body == null) {
            response.end();
        } else if (body instanceof byte[] bytes) {
            response.end(Buffer.buffer(bytes));
        } else if (body instanceof Buffer buffer) {
            response.end(buffer);
        } else if (body instanceof InputStream stream) {
            relay(response, stream);
        } else {
            response.end(message.getBody(String.class));
        }
    }

    /** A body read from a stream (an upstream's) goes out as it is read, each read one write, with backpressure. */
    private static void relay(HttpServerResponse response, InputStream stream) {
        response.setChunked(true);
        byte[] buffer = new byte[8192];
        try (stream; ClientStream out = new ClientStream(response, () -> closeQuietly(stream))) {
            int read;
            while ((read = stream.read(buffer)) > 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // the client left, or the upstream broke off: the response ends here
            response.reset();
        }
    }

    private static void closeQuietly(InputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // closed already
        }
    }

    private void fail(RoutingContext ctx, Exchange exchange, Throwable failure) {
        LOG.warn("request failed outside the routes: {}", failure.toString());
        if (!ctx.response().headWritten()) {
            HttpErrors.write(ctx, OpenAiError.internal());
        }
        done(exchange);
    }

    private void done(Exchange exchange) {
        doneUoW(exchange);
        releaseExchange(exchange, false);
    }
}
