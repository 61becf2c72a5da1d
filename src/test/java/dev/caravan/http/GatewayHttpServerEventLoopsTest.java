package dev.caravan.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.caravan.eventloop.EventLoopRoute;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server with two event loops: one port, and its connections served by both loops (Vert.x hands each new
 * connection to the next server instance), so that model calls, which run on their connection's loop, use more
 * than one core.
 */
class GatewayHttpServerEventLoopsTest {

    private final Set<String> loops = ConcurrentHashMap.newKeySet();
    private final ExecutorService requests = Executors.newCachedThreadPool();
    private Vertx vertx;
    private DefaultCamelContext camel;

    @AfterEach
    void stop() throws Exception {
        if (camel != null) {
            camel.stop();
        }
        requests.shutdownNow();
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void connectionsAreServedByEveryEventLoopOnOnePort() throws Exception {
        int port = start(2);

        for (int connection = 0; connection < 8; connection++) {
            // a client of its own: a connection of its own
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/loop")).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
        }

        assertThat(loops).hasSize(2).allMatch(name -> name.startsWith("vert.x-eventloop-thread-"));
    }

    @Test
    void oneEventLoopServesEverything() throws Exception {
        int port = start(1);

        for (int connection = 0; connection < 4; connection++) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/loop"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        assertThat(loops).hasSize(1);
    }

    private int start(int eventLoops) throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("vertx", vertx);
        camel.getRegistry().bind("platform-http-engine", new GatewayHttpEngine(requests, true));
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindPort(0);
        configuration.setMaxBodySize(1024L);
        camel.addService(new GatewayHttpServer(configuration, io.vertx.ext.web.AllowForwardHeaders.NONE, eventLoops),
                true, true);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/loop?httpMethodRestrict=GET")
                        .routeProperty(EventLoopRoute.PROPERTY, "true")
                        .process(exchange -> {
                            loops.add(Thread.currentThread().getName());
                            exchange.getMessage().removeHeaders("*");
                            exchange.getMessage().setBody("ok");
                        });
            }
        });
        camel.start();
        return camel.hasService(VertxPlatformHttpServer.class).getServer().actualPort();
    }
}
