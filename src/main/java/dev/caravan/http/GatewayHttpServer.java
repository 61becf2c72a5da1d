package dev.caravan.http;

import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.AllowForwardHeaders;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x HTTP server every platform-http route is served on, with two changes to Camel's:
 * <ul>
 * <li>Caravan's answers for what no route takes (see {@link HttpErrors}): a handler before every route that
 * refuses a declared oversized body, a failure handler for what the server's own handlers refuse, and a last
 * route for unknown URLs and wrong methods.</li>
 * <li>HTTP/1.1 only in clear text. Camel starts the server with Vert.x's default options, which accept an h2c
 * upgrade and then allow 100 concurrent streams per connection: clients that upgrade (Java's HttpClient does)
 * had calls refused past 100 in flight. The server is started here with its own options, on the router Camel
 * built (Camel's outer router only mounts it at {@code /} and adds nothing Caravan uses).</li>
 * </ul>
 */
final class GatewayHttpServer extends VertxPlatformHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHttpServer.class);

    private final VertxPlatformHttpServerConfiguration configuration;
    private final AllowForwardHeaders forwardedHeaders;
    private volatile HttpServer server;

    /**
     * @param forwardedHeaders which proxy headers say who the client is ({@code X-Forwarded-For}, RFC 7239
     *     {@code Forwarded}); NONE unless Caravan runs behind a proxy that sets them, or callers could pose as
     *     any address in a key's allowlist
     */
    GatewayHttpServer(VertxPlatformHttpServerConfiguration configuration, AllowForwardHeaders forwardedHeaders) {
        super(configuration);
        this.configuration = configuration;
        this.forwardedHeaders = forwardedHeaders;
    }

    @Override
    protected void initializeServer() {
        super.initializeServer();
        long maxBodySize = configuration.getMaxBodySize();
        VertxPlatformHttpRouter router = router();
        router.allowForward(forwardedHeaders);
        router.route().order(-1).handler(ctx -> HttpErrors.refuseDeclaredOversize(ctx, maxBodySize))
                .failureHandler(ctx -> HttpErrors.onFailure(ctx, maxBodySize));
        router.route().last().handler(ctx -> HttpErrors.noRoute(ctx, getCamelContext()));
    }

    @Override
    protected void startServer() {
        HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(false);
        server = getVertx().createHttpServer(options).requestHandler(router())
                .listen(configuration.getBindPort(), configuration.getBindHost())
                .toCompletionStage().toCompletableFuture().join();
        LOG.info("HTTP server listening on {}:{}", configuration.getBindHost(), server.actualPort());
    }

    @Override
    protected void stopServer() {
        HttpServer running = server;
        if (running != null) {
            running.close().toCompletionStage().toCompletableFuture().join();
            server = null;
        }
    }

    @Override
    public HttpServer getServer() {
        return server;
    }

    @Override
    public int getPort() {
        HttpServer running = server;
        return running != null ? running.actualPort() : configuration.getBindPort();
    }

    private VertxPlatformHttpRouter router() {
        return VertxPlatformHttpRouter.lookup(getCamelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(configuration.getBindPort()));
    }
}
