package dev.caravan.api;


import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How requests get threads. Each exchange runs on the servlet container's request thread (see
 * {@link InlinePlatformHttpEngine}); a stream holds that thread until its last event, so a small pool would
 * make streams queue behind each other. On JDK 21+ Tomcat gives each request a virtual thread
 * ({@code spring.threads.virtual.enabled}); on JDK 17 its pool is as large as {@code caravan.http.max-concurrency}.
 */
@Configuration(proxyBeanMethods = false)
public class HttpServerConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerConfiguration.class);

    @Bean(name = "platform-http-engine", destroyMethod = "")
    public PlatformHttpEngine platformHttpEngine(@Value("${server.port:8080}") int port) {
        return new InlinePlatformHttpEngine(port);
    }

    /** Tomcat's request threads: virtual on JDK 21+ (Spring Boot's own switch), else a pool sized for streams. */
    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> requestThreads(
            @Value("${caravan.http.max-concurrency:1024}") int maxConcurrency,
            @Value("${spring.threads.virtual.enabled:false}") boolean virtualThreads) {
        boolean virtual = virtualThreads && Runtime.version().feature() >= 21;
        if (virtual) {
            LOG.info("requests run on virtual threads");
        } else {
            LOG.info("requests run on a pool of up to {} threads (JDK 21+ would use virtual threads)", maxConcurrency);
        }
        return factory -> factory.addConnectorCustomizers(connector -> {
            if (!virtual && connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
                protocol.setMaxThreads(Math.max(protocol.getMaxThreads(), maxConcurrency));
            }
        });
    }

    /** Lets {@code /v1/models/groq%2Fllama-3.3-70b} reach Caravan: model ids contain slashes. */
    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> encodedSlashesInModelIds() {
        return factory -> factory.addConnectorCustomizers(connector ->
                connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue()));
    }
}
