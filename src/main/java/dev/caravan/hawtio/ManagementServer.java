package dev.caravan.hawtio;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextFactory;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.web.context.ConfigurableWebServerApplicationContext;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.server.ServletWebServerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.AnnotationConfigRegistry;
import org.springframework.core.env.MapPropertySource;

/**
 * Hawtio and Jolokia on their own port: a Spring Boot management child context with an embedded Tomcat, started
 * with the gateway and closed with it. The gateway itself is not a web application (its HTTP server is Vert.x,
 * on {@code server.port}), so Spring Boot would never start a management context for it; this does what Boot's
 * own {@code ChildManagementContextInitializer} does for a servlet application with a separate management
 * port, with the settings below.
 */
public class ManagementServer implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    /** Where Jolokia's access policy is: what Hawtio may read and call (README, Operations: Hawtio). */
    static final String JOLOKIA_POLICY = "classpath:/dev/caravan/hawtio/jolokia-access.xml";

    private final ConfigurableApplicationContext gateway;
    private final HawtioSettings settings;
    private volatile ConfigurableApplicationContext context;

    public ManagementServer(ConfigurableApplicationContext gateway, HawtioSettings settings) {
        this.gateway = gateway;
        this.settings = settings;
    }

    @Override
    public void start() {
        long started = System.nanoTime();
        ManagementContextFactory factory = new ManagementContextFactory(WebApplicationType.SERVLET,
                ServletWebServerFactory.class, ServletWebServerFactoryAutoConfiguration.class);
        ConfigurableApplicationContext child = factory.createManagementContext(gateway);
        child.setId(gateway.getId() + ":management");
        ((ConfigurableWebServerApplicationContext) child).setServerNamespace("management");
        child.getEnvironment().getPropertySources().addFirst(new MapPropertySource("caravanHawtio", properties()));
        // the child inherited the gateway's binder view of its own property sources; bind from the child's
        ConfigurationPropertySources.attach(child.getEnvironment());
        factory.registerWebServerFactoryBeans(gateway, child, (AnnotationConfigRegistry) child);
        ((AnnotationConfigRegistry) child).register(HawtioContext.class);
        child.refresh();
        context = child;
        LOG.info("Hawtio at http://{}:{}/hawtio (Jolokia at /jolokia), behind the admin key; started in {} ms",
                settings.address() == null || settings.address().isBlank() ? "localhost" : settings.address(), port(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** The settings of the child context; they win over the gateway's, which it inherits otherwise. */
    private Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("management.server.port", settings.port());
        if (settings.address() != null && !settings.address().isBlank()) {
            properties.put("management.server.address", settings.address());
        }
        // a port of its own, so Hawtio and Jolokia sit at the root: /hawtio and /jolokia
        properties.put("management.endpoints.web.base-path", "/");
        properties.put("management.endpoints.web.exposure.include", "hawtio,jolokia");
        properties.put("management.endpoints.web.discovery.enabled", false);
        properties.put("management.endpoint.jolokia.config.policyLocation", JOLOKIA_POLICY);
        properties.put("management.endpoint.jolokia.config.allowErrorDetails", false);
        properties.put("management.endpoint.jolokia.config.includeStackTrace", false);
        properties.put("management.endpoint.jolokia.config.discoveryEnabled", false);
        // Hawtio's login: JAAS realm "caravan" (AdminKeyLoginModule), role admin; 401 rather than 403 without
        // credentials; no Tomcat user database, no Keycloak, no proxy to other JVMs
        properties.put("hawtio.authenticationEnabled", true);
        properties.put("hawtio.realm", AdminKeyJaasConfiguration.REALM);
        properties.put("hawtio.roles", AdminKeyLoginModule.ROLE);
        properties.put("hawtio.rolePrincipalClasses", io.hawt.web.auth.RolePrincipal.class.getName());
        properties.put("hawtio.noCredentials401", true);
        properties.put("hawtio.authenticationContainerDiscoveryClasses", "");
        properties.put("hawtio.keycloakEnabled", false);
        properties.put("hawtio.disableProxy", true);
        // a handful of operators: a small pool; the session cookie is not sent by other sites' requests
        properties.put("server.tomcat.threads.max", 8);
        properties.put("server.tomcat.threads.min-spare", 1);
        properties.put("server.servlet.session.cookie.same-site", "strict");
        properties.put("server.servlet.session.cookie.http-only", true);
        return properties;
    }

    /** The port the management server listens on (the chosen one when {@code caravan.hawtio.port} is 0). */
    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @Override
    public void stop() {
        ConfigurableApplicationContext running = context;
        if (running != null) {
            running.close();
            context = null;
        }
    }

    @Override
    public boolean isRunning() {
        return context != null;
    }

    /**
     * With the gateway's other lifecycle beans, so among the first to stop at shutdown: no operator action runs
     * while calls drain. The start order does not matter: Hawtio reads Camel's MBeans when it is asked.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
