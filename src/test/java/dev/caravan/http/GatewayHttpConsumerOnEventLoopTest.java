package dev.caravan.http;

import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.caravan.eventloop.EventLoopRoute;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Caravan's platform-http consumer with {@code caravan.http.event-loop} on, on a bare Camel context: a route
 * marked with {@link EventLoopRoute} runs on the event loop that read its request, any other on the executor.
 */
class GatewayHttpConsumerOnEventLoopTest {

    private static final AtomicReference<String> MARKED_THREAD = new AtomicReference<>();
    private static final AtomicReference<String> PLAIN_THREAD = new AtomicReference<>();
    private static final AtomicReference<String> PIPED_THREAD = new AtomicReference<>();
    private static final AtomicReference<PipedOutputStream> PIPE = new AtomicReference<>();
    private static Vertx vertx;
    private static ExecutorService requests;
    private static DefaultCamelContext camel;
    private static int port;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        // one event loop: a step that blocked it would stall every other request
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        requests = Executors.newCachedThreadPool(runnable -> new Thread(runnable, "request-test"));
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("vertx", vertx);
        camel.getRegistry().bind("platform-http-engine", new GatewayHttpEngine(requests, true));
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindPort(0);
        configuration.setMaxBodySize(1024L);
        camel.addService(new GatewayHttpServer(configuration, io.vertx.ext.web.AllowForwardHeaders.NONE, 1), true, true);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/marked?httpMethodRestrict=POST")
                        .routeProperty(EventLoopRoute.PROPERTY, "true")
                        .process(exchange -> {
                            MARKED_THREAD.set(Thread.currentThread().getName());
                            String body = exchange.getIn().getBody(String.class);
                            exchange.getMessage().removeHeaders("*");
                            exchange.getMessage().setBody(("{\"echo\":" + body + "}").getBytes());
                        });
                from("platform-http:/plain?httpMethodRestrict=GET")
                        .process(exchange -> {
                            PLAIN_THREAD.set(Thread.currentThread().getName());
                            exchange.getMessage().removeHeaders("*");
                            exchange.getMessage().setBody("plain");
                        });
                from("platform-http:/piped?httpMethodRestrict=GET")
                        .routeProperty(EventLoopRoute.PROPERTY, "true")
                        .process(exchange -> {
                            PIPED_THREAD.set(Thread.currentThread().getName());
                            PipedOutputStream upstream = new PipedOutputStream();
                            PIPE.set(upstream);
                            exchange.getMessage().setBody(new PipedInputStream(upstream));
                            upstream.write("first ".getBytes());
                            upstream.flush();
                        });
            }
        });
        camel.start();
        port = camel.hasService(VertxPlatformHttpServer.class).getServer().actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        camel.stop();
        requests.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> postMarked() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/marked"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aMarkedRouteRunsOnTheEventLoopAndItsAnswerIsWritten() throws Exception {
        HttpResponse<String> response = postMarked();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"echo\":{\"a\":1}}");
        assertThat(MARKED_THREAD.get()).startsWith("vert.x-eventloop-thread-");
    }

    @Test
    void aRouteNotMarkedRunsOnTheExecutor() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/plain"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo("plain");
        assertThat(PLAIN_THREAD.get()).isEqualTo("request-test");
    }

    @Test
    void aStreamLeftByARouteOnTheLoopIsRelayedFromTheExecutor() throws Exception {
        // relaying waits for the client to take each part, which the loop itself serves: it must not wait there
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/piped"))
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body(); PipedOutputStream upstream = PIPE.get()) {
            assertThat(new String(body.readNBytes(6))).isEqualTo("first ");
            // while the stream waits for its next part, the one event loop serves another request
            assertThat(postMarked().statusCode()).isEqualTo(200);
            upstream.write("second".getBytes());
            upstream.close();
            assertThat(new String(body.readAllBytes())).isEqualTo("second");
        }
        assertThat(PIPED_THREAD.get()).startsWith("vert.x-eventloop-thread-");
    }
}
