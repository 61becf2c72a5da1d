package dev.caravan.http;

import java.util.concurrent.Executor;

import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/** platform-http's Vert.x engine with Caravan's consumer ({@link GatewayHttpConsumer}). */
final class GatewayHttpEngine extends VertxPlatformHttpEngine {

    private final Executor executor;
    private final boolean eventLoopRoutes;

    /** An engine whose routes all run on {@code executor}. */
    GatewayHttpEngine(Executor executor) {
        this(executor, false);
    }

    /**
     * @param eventLoopRoutes whether routes marked with {@link dev.caravan.eventloop.EventLoopRoute} start on the
     *     event loop ({@code caravan.http.event-loop}); the others run on {@code executor} either way
     */
    GatewayHttpEngine(Executor executor, boolean eventLoopRoutes) {
        this.executor = executor;
        this.eventLoopRoutes = eventLoopRoutes;
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new GatewayHttpConsumer(endpoint, processor, this, executor, eventLoopRoutes);
    }

    String routerName() {
        return VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort());
    }
}
