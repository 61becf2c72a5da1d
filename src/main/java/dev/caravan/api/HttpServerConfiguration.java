package dev.caravan.api;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How requests get threads. platform-http runs each exchange on the engine's executor and a stream holds its
 * thread until the last event, so a small pool would make streams queue behind each other. On JDK 21+ each
 * request gets a virtual thread; on JDK 17 a pool as large as {@code caravan.http.max-concurrency}.
 */
@Configuration(proxyBeanMethods = false)
public class HttpServerConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerConfiguration.class);

    @Bean(name = "platform-http-engine", destroyMethod = "")
    public PlatformHttpEngine platformHttpEngine(@Value("${server.port:8080}") int port,
            @Value("${caravan.http.max-concurrency:1024}") int maxConcurrency) {
        return new SpringBootPlatformHttpEngine(port, requestExecutor(maxConcurrency));
    }

    static ExecutorService requestExecutor(int maxConcurrency) {
        try {
            Method virtual = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            LOG.info("requests run on virtual threads");
            return (ExecutorService) virtual.invoke(null);
        } catch (ReflectiveOperationException olderJdk) {
            LOG.info("requests run on a pool of up to {} threads (JDK 21+ would use virtual threads)", maxConcurrency);
            AtomicInteger count = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(maxConcurrency, maxConcurrency, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread thread = new Thread(r, "caravan-request-" + count.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }
    }

    /** Lets {@code /v1/models/groq%2Fllama-3.3-70b} reach Caravan: model ids contain slashes. */
    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> encodedSlashesInModelIds() {
        return factory -> factory.addConnectorCustomizers(connector ->
                connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue()));
    }
}
