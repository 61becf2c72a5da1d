package org.apache.camel.component.platform.http.vertx;

import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;

/**
 * platform-http on Vert.x without a worker thread per exchange. In Camel 4.17.0 the stock consumer runs every
 * exchange in {@code vertx.executeBlocking} and waits on it; this one drives the route with its asynchronous
 * processor on the event loop and writes the response from the route's callback. A route on it must not block
 * (no blocking producer, no JDBC): that is the point of the floor it measures. It lives in Camel's package to
 * reuse the package-private response writer; only {@code handleRequest} differs from the stock consumer.
 */
public class EventLoopPlatformHttpEngine extends VertxPlatformHttpEngine {

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new Consumer(endpoint, processor, this);
    }

    static final class Consumer extends VertxPlatformHttpConsumer {

        Consumer(PlatformHttpEndpoint endpoint, Processor processor, VertxPlatformHttpEngine engine) {
            super(endpoint, processor, engine.getHandlers(),
                    VertxPlatformHttpRouter.getRouterNameFromPort(engine.getServerPort()));
        }

        @Override
        protected void handleRequest(RoutingContext ctx) {
            if (isSuspended()) {
                ctx.response().setStatusCode(503).end();
                return;
            }
            Exchange exchange = createExchange(false);
            exchange.setPattern(ExchangePattern.InOut);
            processHttpRequest(exchange, ctx).onComplete(read -> {
                if (read.failed()) {
                    fail(ctx, exchange, read.cause());
                    return;
                }
                try {
                    createUoW(exchange);
                } catch (Exception e) {
                    fail(ctx, exchange, e);
                    return;
                }
                getAsyncProcessor().process(exchange, doneSync -> {
                    if (ctx.response().headWritten()) {
                        // a step answered itself (a relayed stream): nothing is left to write
                        done(exchange);
                        return;
                    }
                    VertxPlatformHttpSupport.writeResponse(ctx, exchange, getEndpoint().getHeaderFilterStrategy(),
                            getEndpoint().isMuteException()).onComplete(written -> {
                                if (written.failed()) {
                                    ctx.fail(written.cause());
                                }
                                done(exchange);
                            });
                });
            });
        }

        private void fail(RoutingContext ctx, Exchange exchange, Throwable failure) {
            getExceptionHandler().handleException("Failed handling " + getEndpoint().getPath(), failure);
            ctx.fail(failure);
            done(exchange);
        }

        private void done(Exchange exchange) {
            doneUoW(exchange);
            releaseExchange(exchange, false);
        }
    }
}
