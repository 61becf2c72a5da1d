package dev.caravan.upstream;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.DefaultComponent;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * The {@code upstream:<name>} component: provider calls on a non-blocking Vert.x {@link HttpClient}, so that a
 * call in flight, and a stream being relayed, holds no thread (camel-http holds one per call for its whole
 * length). The exchange body in is an {@link UpstreamRequest}; out comes an {@link UpstreamResponse} or an
 * {@link UpstreamFailure} on the exchange. The name only labels logs and messages: the target is in the request.
 *
 * <p>The component takes a {@link Vertx} it does not own (one shared instance, a Spring bean) and keeps one
 * pooled keep-alive client for all its endpoints, created on start and closed on stop: connections to a
 * provider are reused across calls and routes.
 *
 * <p>Threading: the producer completes on a Vert.x event-loop thread, and Camel runs the rest of the route on
 * that thread. A route must therefore not block after {@code upstream:} (JDBC, blocking I/O, a blocking
 * {@code ProducerTemplate}) without first handing over to a worker (e.g. {@code threads()}).
 */
public class UpstreamComponent extends DefaultComponent {

    /**
     * Exchange property holding the Vert.x {@code Context} of the client's request. A call made with it runs on
     * that event loop, so the provider's answer is read on the thread that writes to the client: no hand-over
     * between threads per event, and the client's write queue is seen as it is (backpressure) rather than through
     * writes still queued for another thread.
     */
    public static final String CONTEXT_PROPERTY = "caravan.vertx.context";

    /** Connections per provider host: streams hold theirs for minutes, so the pool must allow many. */
    public static final int DEFAULT_MAX_POOL_SIZE = 4096;
    /** Shorter than the usual 60 s server-side idle close, so we drop a connection before the server does. */
    public static final int DEFAULT_KEEP_ALIVE_SECONDS = 30;

    @Metadata(description = "The Vert.x instance whose event loops run the calls", required = true)
    private Vertx vertx;

    @Metadata(description = "The most HTTP/1.1 connections kept per upstream host", defaultValue = "4096")
    private int maxPoolSize = DEFAULT_MAX_POOL_SIZE;

    @Metadata(description = "Client options to start from (TLS trust, proxy, socket buffers); the pool size is"
            + " set from maxPoolSize", label = "advanced")
    private HttpClientOptions clientOptions;

    private Clock clock = Clock.systemUTC();
    private HttpClient client;

    public UpstreamComponent() {
    }

    public UpstreamComponent(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("upstream: endpoint needs a name, e.g. upstream:openai");
        }
        UpstreamEndpoint endpoint = new UpstreamEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        Objects.requireNonNull(vertx, "upstream: component needs a Vertx instance (constructor or 'vertx' property)");
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("upstream: maxPoolSize must be at least 1, got " + maxPoolSize);
        }
        client = vertx.createHttpClient(effectiveClientOptions(), new PoolOptions().setHttp1MaxSize(maxPoolSize));
    }

    @Override
    protected void doStop() throws Exception {
        HttpClient closing = client;
        client = null;
        if (closing != null) {
            // in-flight calls fail with a closed connection; the returned future is not waited for on purpose
            closing.close();
        }
        super.doStop();
    }

    private HttpClientOptions effectiveClientOptions() {
        HttpClientOptions options = clientOptions == null ? new HttpClientOptions() : new HttpClientOptions(clientOptions);
        if (clientOptions == null) {
            options.setKeepAlive(true)
                    .setKeepAliveTimeout(DEFAULT_KEEP_ALIVE_SECONDS)
                    // send SNI for every https host: CDNs in front of providers route on it
                    .setForceSni(true);
        }
        return options;
    }

    HttpClient client() {
        HttpClient current = client;
        if (current == null) {
            throw new IllegalStateException("upstream: component is not started");
        }
        return current;
    }

    public Vertx getVertx() {
        return vertx;
    }

    public void setVertx(Vertx vertx) {
        this.vertx = vertx;
    }

    public int getMaxPoolSize() {
        return maxPoolSize;
    }

    public void setMaxPoolSize(int maxPoolSize) {
        this.maxPoolSize = maxPoolSize;
    }

    public HttpClientOptions getClientOptions() {
        return clientOptions;
    }

    /** Used as given (copied), so a caller who sets this chooses keep-alive and SNI too. */
    public void setClientOptions(HttpClientOptions clientOptions) {
        this.clientOptions = clientOptions;
    }

    Clock getClock() {
        return clock;
    }

    /** For tests of {@code Retry-After} dates. */
    void setClock(Clock clock) {
        this.clock = clock;
    }
}
