package dev.caravan.http;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.AllowForwardHeaders;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.spi.CamelContextCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.util.unit.DataSize;

/**
 * The HTTP server: platform-http on Vert.x, on {@code server.port}, for every route (the OpenAI API, the admin
 * and usage APIs, health, probes and metrics). There is no servlet container. One {@link Vertx} serves the
 * server and the upstream client. Requests are read on Vert.x's event loop. Model calls run there too
 * ({@code caravan.http.event-loop}, on by default) and take a request thread only for a step that must wait
 * (see {@link #platformHttpEngine}); other routes run on {@link #requestExecutor}: a virtual thread each on
 * JDK 21+, else a pool as large as {@code caravan.http.max-concurrency}.
 */
@Configuration(proxyBeanMethods = false)
public class HttpServerConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerConfiguration.class);

    @Bean(destroyMethod = "close")
    public Vertx vertx() {
        return Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    }

    @Bean
    public Executor requestExecutor(@Value("${caravan.http.max-concurrency:1024}") int maxConcurrency,
            @Value("${spring.threads.virtual.enabled:false}") boolean virtualThreads) {
        if (virtualThreads && Runtime.version().feature() >= 21) {
            LOG.info("requests run on virtual threads");
            SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("request-");
            executor.setVirtualThreads(true);
            return executor;
        }
        LOG.info("requests run on a pool of up to {} threads (JDK 21+ would use virtual threads)", maxConcurrency);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxConcurrency, maxConcurrency, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "request");
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * @param eventLoop {@code caravan.http.event-loop}: routes marked as event-loop safe (the model calls, see
     *     {@link dev.caravan.eventloop.EventLoopRoute}) start on the event loop and use {@code requestExecutor}
     *     only for a step that must wait; off, every route runs on {@code requestExecutor}. On by default.
     */
    @Bean(name = "platform-http-engine")
    public PlatformHttpEngine platformHttpEngine(Executor requestExecutor,
            @Value("${caravan.http.event-loop:true}") boolean eventLoop) {
        if (eventLoop) {
            LOG.info("model calls start on the event loop; a step that must wait moves to a request thread");
        }
        return new GatewayHttpEngine(requestExecutor, eventLoop);
    }

    /**
     * Adds the server to the Camel context while it is configured, before routes start, so their consumers find
     * its router. A customizer, not a {@code CamelContextConfiguration}: that would bring Spring Boot's own event
     * notifier, which makes Camel raise events for every exchange (see ops/OpsConfiguration).
     */
    @Bean
    public CamelContextCustomizer httpServer(@Value("${server.port:8080}") int port,
            @Value("${server.address:0.0.0.0}") String address,
            @Value("${caravan.http.max-request-size:16MB}") DataSize maxRequestSize,
            @Value("${caravan.http.forwarded-headers:NONE}") AllowForwardHeaders forwardedHeaders,
            @Value("${caravan.http.event-loops:1}") int eventLoops) {
        // 0: one per core
        int loops = eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
        return context -> {
            VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
            configuration.setBindHost(address);
            configuration.setBindPort(port);
            configuration.setMaxBodySize(maxRequestSize.toBytes());
            try {
                context.addService(new GatewayHttpServer(configuration, forwardedHeaders, loops), true, true);
            } catch (Exception e) {
                throw RuntimeCamelException.wrapRuntimeCamelException(e);
            }
        };
    }
}
