package bench;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;

/**
 * The same bare proxy as bench/routes/bare.yaml, on platform-http's Vert.x engine (Camel Main's HTTP server)
 * instead of Spring Boot's servlet engine: how fast Camel's HTTP stack can be here without Tomcat and Spring MVC.
 * Non-streaming only: the answer is read into bytes (with useStreaming and an InputStream body, Vert.x's writer
 * did not release camel-http's pooled connections here, and the pool ran dry after a few requests).
 *
 * <pre>java -cp target/classes:target/lib/* bench.VertxBareProxy &lt;port&gt; &lt;stub base url, up to /v1&gt;</pre>
 */
public final class VertxBareProxy {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String upstream = args[1] + "/chat/completions";
        Main main = new Main();
        main.configure().httpServer().withEnabled(true).withPort(port);
        main.configure().withStreamCachingEnabled(false);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/bare/v1/chat/completions?httpMethodRestrict=POST")
                        .routeId("vertx-bare-proxy")
                        .removeHeaders("*", "Content-Type")
                        .setHeader("Authorization", constant("Bearer bench-key"))
                        .to(upstream + "?httpMethod=POST&throwExceptionOnFailure=false")
                        .convertBodyTo(byte[].class);
            }
        });
        main.run();
    }
}
