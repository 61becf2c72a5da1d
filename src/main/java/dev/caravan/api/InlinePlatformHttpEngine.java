package dev.caravan.api;

import java.util.concurrent.CompletableFuture;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * platform-http on Spring Boot, with each exchange run on the request's own thread. The stock consumer hands
 * every request to an executor and returns a future, so Spring MVC suspends the request and dispatches it a
 * second time when the future completes: two thread hand-offs and an async cycle per call, which cost more CPU
 * than the gateway's own work (bench/README.md). Here the consumer runs the route inline and returns no future,
 * which Spring MVC takes as "response already written". Streams are unaffected: they write and flush their
 * events on this thread as before, and request threads are virtual (JDK 21+) or a large pool.
 */
public class InlinePlatformHttpEngine extends SpringBootPlatformHttpEngine {

    public InlinePlatformHttpEngine(int port) {
        super(port);
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new InlineConsumer(endpoint, processor);
    }

    static final class InlineConsumer extends SpringBootPlatformHttpConsumer {

        private static final Logger LOG = LoggerFactory.getLogger(InlineConsumer.class);

        InlineConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
        }

        /** As the stock consumer's task, run here: a failure Camel did not answer becomes a bare 500. */
        @Override
        public CompletableFuture<Void> service(HttpServletRequest request, HttpServletResponse response) {
            try {
                handleService(request, response);
            } catch (Exception e) {
                // the routes answer every error themselves; this is a failure of the HTTP binding
                LOG.warn("request failed outside the routes: {}", e.toString());
                if (!response.isCommitted()) {
                    try {
                        response.sendError(500);
                    } catch (Exception ignored) {
                        // the client is gone
                    }
                }
            }
            return null; // Spring MVC: the handler wrote the response itself
        }
    }
}
