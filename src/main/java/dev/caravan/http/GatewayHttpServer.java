package dev.caravan.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Verticle;
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
 * <li>One server instance per event loop ({@code caravan.http.event-loops}, 1 by default), all on the one
 * port: Vert.x shares the listening socket and hands each new connection to the next of them. A model call runs
 * on its connection's loop, so one loop serves at most one core's worth of calls.</li>
 * </ul>
 */
final class GatewayHttpServer extends VertxPlatformHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHttpServer.class);

    private final VertxPlatformHttpServerConfiguration configuration;
    private final AllowForwardHeaders forwardedHeaders;
    private final int eventLoops;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private volatile String deployment;

    /**
     * @param forwardedHeaders which proxy headers say who the client is ({@code X-Forwarded-For}, RFC 7239
     *     {@code Forwarded}); NONE unless Caravan runs behind a proxy that sets them, or callers could pose as
     *     any address in a key's allowlist
     * @param eventLoops       how many event loops serve requests: one server instance on each
     */
    GatewayHttpServer(VertxPlatformHttpServerConfiguration configuration, AllowForwardHeaders forwardedHeaders,
            int eventLoops) {
        super(configuration);
        this.configuration = configuration;
        this.forwardedHeaders = forwardedHeaders;
        this.eventLoops = Math.max(1, eventLoops);
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
        // port 0 is a random port per server in Vert.x; a negative one is a random port the servers share
        int port = configuration.getBindPort() == 0 ? -1 : configuration.getBindPort();
        VertxPlatformHttpRouter router = router();
        // one verticle instance per event loop, as Vert.x scales a server: each gets a context on the next loop
        Supplier<Verticle> instance = () -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                vertx.createHttpServer(options).requestHandler(router).listen(port, configuration.getBindHost())
                        .onSuccess(servers::add).<Void>mapEmpty().onComplete(started);
            }
        };
        deployment = getVertx().deployVerticle(instance, new DeploymentOptions().setInstances(eventLoops))
                .toCompletionStage().toCompletableFuture().join();
        LOG.info("HTTP server listening on {}:{} ({} event loops)", configuration.getBindHost(),
                servers.get(0).actualPort(), eventLoops);
    }

    @Override
    protected void stopServer() {
        String running = deployment;
        if (running != null) {
            // undeploying closes the servers its instances started
            getVertx().undeploy(running).toCompletionStage().toCompletableFuture().join();
            deployment = null;
        }
        servers.clear();
    }

    @Override
    public HttpServer getServer() {
        return servers.isEmpty() ? null : servers.get(0);
    }

    @Override
    public int getPort() {
        HttpServer running = getServer();
        return running != null ? running.actualPort() : configuration.getBindPort();
    }

    private VertxPlatformHttpRouter router() {
        return VertxPlatformHttpRouter.lookup(getCamelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(configuration.getBindPort()));
    }
}
