package bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.main.Main;

/**
 * The same bare proxy as bench/routes/bare.yaml, on platform-http's Vert.x engine (Camel Main's HTTP server)
 * instead of Spring Boot's servlet engine: how fast Camel's HTTP stack can be here without Tomcat and Spring MVC.
 * A JSON answer is read into bytes and written by the engine. An event stream is relayed by the route itself, each
 * read from upstream written to the Vert.x response as it comes (the engine's own InputStream writer did not give
 * camel-http's pooled connections back here, and the pool ran dry after a few requests). The route runs on Vert.x's
 * worker pool (the consumer hands every exchange to it) and a stream holds its worker until the end, so the pool is
 * sized for the bench's 256 concurrent streams, and camel-http's connection pool as Caravan's.
 *
 * <pre>java -cp target/classes:target/lib/* bench.VertxBareProxy &lt;port&gt; &lt;stub base url, up to /v1&gt;</pre>
 */
public final class VertxBareProxy {

    private static final String RESPONSE = "vertx-response";

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String upstream = args[1] + "/chat/completions";
        Main main = new Main();
        main.bind("vertxOptions", new VertxOptions().setWorkerPoolSize(512));
        // camel-http's pool as Caravan sets it (application.yaml): its default of 20 per host would queue streams
        main.addInitialProperty("camel.component.http.max-total-connections", "2000");
        main.addInitialProperty("camel.component.http.connections-per-route", "1000");
        main.configure().httpServer().withEnabled(true).withPort(port);
        main.configure().withStreamCachingEnabled(false);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/bare/v1/chat/completions?httpMethodRestrict=POST")
                        .routeId("vertx-bare-proxy")
                        .process(e -> e.setProperty(RESPONSE, e.getIn(HttpMessage.class).getResponse()))
                        .removeHeaders("*", "Content-Type")
                        .setHeader("Authorization", constant("Bearer bench-key"))
                        .to(upstream + "?httpMethod=POST&throwExceptionOnFailure=false&disableStreamCache=true")
                        .process(VertxBareProxy::answer);
            }
        });
        main.run();
    }

    private static void answer(Exchange exchange) throws IOException {
        String type = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, "", String.class);
        if (!type.startsWith("text/event-stream")) {
            exchange.getMessage().setBody(exchange.getMessage().getBody(byte[].class));
            return;
        }
        HttpServerResponse response = exchange.getProperty(RESPONSE, HttpServerResponse.class);
        response.setStatusCode(200).setChunked(true).putHeader("Content-Type", type);
        try (InputStream events = exchange.getMessage().getBody(InputStream.class)) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = events.read(buffer)) > 0) {
                response.write(Buffer.buffer(Arrays.copyOf(buffer, n)));
            }
        }
        response.end();
    }
}
