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

    GatewayHttpEngine(Executor executor) {
        this.executor = executor;
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new GatewayHttpConsumer(endpoint, processor, this, executor);
    }

    String routerName() {
        return VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort());
    }
}
