package dev.caravan.http;

import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import dev.caravan.eventloop.EventLoopRoute;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Caravan's platform-http consumer against the camel-platform-http-vertx of the pom, on a bare Camel context:
 * it replaces one method of a Camel class that changes between releases, so its behaviour is pinned here.
 */
class GatewayHttpConsumerTest {

    private static final AtomicReference<String> ROUTE_THREAD = new AtomicReference<>();
    private static final AtomicReference<String> MARKED_THREAD = new AtomicReference<>();
    private static final AtomicReference<PipedOutputStream> PIPE = new AtomicReference<>();
    private static Vertx vertx;
    private static ExecutorService requests;
    private static DefaultCamelContext camel;
    private static int port;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        requests = Executors.newCachedThreadPool(runnable -> new Thread(runnable, "request-test"));
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("vertx", vertx);
        camel.getRegistry().bind("platform-http-engine", new GatewayHttpEngine(requests));
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindPort(0);
        configuration.setMaxBodySize(1024L);
        camel.addService(new GatewayHttpServer(configuration, io.vertx.ext.web.AllowForwardHeaders.NONE, 2), true, true);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/json?httpMethodRestrict=POST")
                        .process(exchange -> {
                            ROUTE_THREAD.set(Thread.currentThread().getName());
                            String body = exchange.getIn().getBody(String.class);
                            exchange.getMessage().removeHeaders("*");
                            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
                            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                            exchange.getMessage().setHeader("x-test", "yes");
                            exchange.getMessage().setBody(("{\"echo\":" + body + "}").getBytes());
                        });
                from("platform-http:/piped?httpMethodRestrict=GET")
                        .process(exchange -> {
                            PipedOutputStream upstream = new PipedOutputStream();
                            PIPE.set(upstream);
                            exchange.getMessage().setBody(new PipedInputStream(upstream));
                            upstream.write("first ".getBytes());
                            upstream.flush();
                        });
                from("platform-http:/whoami?httpMethodRestrict=GET")
                        .process(exchange -> {
                            String caller = dev.caravan.account.RequestCredentials.remoteIp(exchange.getIn());
                            exchange.getMessage().removeHeaders("*");
                            exchange.getMessage().setBody(caller);
                        });
                from("platform-http:/marked?httpMethodRestrict=GET")
                        .routeProperty(EventLoopRoute.PROPERTY, "true")
                        .process(exchange -> {
                            MARKED_THREAD.set(Thread.currentThread().getName());
                            exchange.getMessage().removeHeaders("*");
                            exchange.getMessage().setBody("marked");
                        });
                from("platform-http:/self?httpMethodRestrict=GET")
                        .process(exchange -> {
                            HttpServerResponse response = exchange.getIn(HttpMessage.class).getResponse();
                            response.setChunked(true).putHeader("Content-Type", "text/event-stream");
                            response.write(Buffer.buffer("data: 1\n\n"));
                            response.end(Buffer.buffer("data: [DONE]\n\n"));
                            exchange.getMessage().setBody("must not be written");
                        });
            }
        });
        camel.start();
        port = camel.hasService(VertxPlatformHttpServer.class).getServer().actualPort();
    }

    @AfterAll
    static void stop() {
        camel.stop();
        requests.shutdownNow();
        vertx.close();
    }

    @Test
    void theRouteRunsOnTheRequestExecutorAndItsAnswerIsWritten() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).isEqualTo("{\"echo\":{\"a\":1}}");
        assertThat(response.headers().firstValue("x-test")).contains("yes");
        assertThat(response.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("camel"));
        assertThat(ROUTE_THREAD.get()).isEqualTo("request-test");
    }

    @Test
    void aRouteMarkedForTheEventLoopRunsOnTheExecutorWhileTheSwitchIsOff() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/marked"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo("marked");
        assertThat(MARKED_THREAD.get()).isEqualTo("request-test");
    }

    @Test
    void aRouteThatAnsweredItselfIsNotAnsweredAgain() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/self"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("data: 1\n\ndata: [DONE]\n\n");
    }

    @Test
    void aStreamedBodyReachesTheClientAsItIsRead() throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/piped"))
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            // the first part arrives while the route's stream has not ended: nothing waits for the whole body
            assertThat(new String(body.readNBytes(6))).isEqualTo("first ");
            PIPE.get().write("second".getBytes());
            PIPE.get().close();
            assertThat(new String(body.readAllBytes())).isEqualTo("second");
        }
    }

    @Test
    void aForwardedForHeaderIsNotTrustedUnlessConfigured() throws Exception {
        // this server runs with forwarded-headers NONE: a caller cannot pose as another address
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/whoami"))
                .header("X-Forwarded-For", "203.0.113.7").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo("127.0.0.1");
    }

    @Test
    void whatNoRouteTakesIsAnsweredOpenAiShaped() throws Exception {
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/nothing"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> tooLarge = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(2048))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"code\":\"unknown_url\"");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.body()).contains("\"code\":\"method_not_allowed\"");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("\"code\":\"request_too_large\"");
    }
}
