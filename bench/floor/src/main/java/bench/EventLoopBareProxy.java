package bench;

import java.net.URI;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.EventLoopPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.main.Main;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The non-blocking floor of the stack: a bare Camel proxy whose every step runs on Vert.x's event loop.
 * platform-http on Vert.x with {@link EventLoopPlatformHttpEngine} (no worker thread per exchange) and an
 * asynchronous producer on Vert.x's {@code HttpClient}: a JSON answer is read whole and written by the engine;
 * an event stream is piped to the client as each chunk arrives, with backpressure. Nothing blocks, so no thread
 * is held per request or per stream. This is the path issue 11 builds Caravan on.
 *
 * <pre>java -cp target/classes:target/lib/* bench.EventLoopBareProxy &lt;port&gt; &lt;stub base url, up to /v1&gt;</pre>
 */
public final class EventLoopBareProxy {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        URI upstream = URI.create(args[1] + "/chat/completions");
        Main main = new Main();
        Vertx vertx = Vertx.vertx();
        main.bind("vertx", vertx);
        main.bind("platform-http-engine", new EventLoopPlatformHttpEngine());
        main.configure().httpServer().withEnabled(true).withPort(port);
        main.configure().withStreamCachingEnabled(false);
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(1000));
        AsyncProcessor proxy = new Proxy(client, upstream);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/bare/v1/chat/completions?httpMethodRestrict=POST")
                        .routeId("eventloop-bare-proxy")
                        .process(proxy);
            }
        });
        main.run();
    }

    /** One upstream call, completed by Vert.x's callbacks on the event loop. */
    static final class Proxy extends AsyncProcessorSupport {

        private final HttpClient client;
        private final RequestOptions options;

        Proxy(HttpClient client, URI upstream) {
            this.client = client;
            this.options = new RequestOptions().setMethod(HttpMethod.POST).setHost(upstream.getHost())
                    .setPort(upstream.getPort()).setURI(upstream.getRawPath())
                    .putHeader("Authorization", "Bearer bench-key").putHeader("Content-Type", "application/json");
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            HttpServerResponse response = exchange.getIn(HttpMessage.class).getResponse();
            Buffer body = Buffer.buffer(exchange.getIn().getBody(byte[].class));
            client.request(options).compose(request -> request.send(body)).onComplete(answered -> {
                if (answered.failed()) {
                    exchange.setException(answered.cause());
                    callback.done(false);
                    return;
                }
                HttpClientResponse upstream = answered.result();
                String type = upstream.getHeader("Content-Type");
                if (type != null && type.startsWith("text/event-stream")) {
                    response.setStatusCode(upstream.statusCode()).setChunked(true).putHeader("Content-Type", type);
                    upstream.pipeTo(response).onComplete(piped -> callback.done(false));
                    return;
                }
                upstream.body().onComplete(read -> {
                    if (read.failed()) {
                        exchange.setException(read.cause());
                    } else {
                        exchange.getMessage().setBody(read.result().getBytes());
                        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, upstream.statusCode());
                        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, type);
                    }
                    callback.done(false);
                });
            });
            return false;
        }
    }
}
