package dev.caravan.hawtio;

import io.hawt.system.ConfigManager;
import io.hawt.web.auth.AuthenticationConfiguration;
import org.jolokia.support.spring.actuator.JolokiaEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementServerProperties;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;

/**
 * The management server's own Spring context, a child of the gateway's (see {@link ManagementServer}): Spring
 * Boot's management child context (its DispatcherServlet, actuator's endpoint mappings, Hawtio's
 * {@code @ManagementContextConfiguration}s), plus what a servlet parent would have given it: actuator's web
 * endpoint discovery and Jolokia's endpoint. Its management and endpoint properties are bound here, from the
 * settings {@link ManagementServer} gives this context, not from the gateway's. Not a {@code @Configuration}: the
 * gateway's component scan must not find it; {@link ManagementServer} registers it in the child context alone.
 */
@Import(HawtioContext.ChildManagementContext.class)
@EnableConfigurationProperties({ManagementServerProperties.class, WebEndpointProperties.class})
@ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, JacksonAutoConfiguration.class,
        HttpMessageConvertersAutoConfiguration.class, WebEndpointAutoConfiguration.class,
        JolokiaEndpointAutoConfiguration.class})
class HawtioContext {

    /**
     * Hands Hawtio the admin-key login before its servlets and filters start. Hawtio keeps its authentication
     * settings in a servlet-context attribute that it creates on first use; this initializer runs before any
     * listener or filter, so it creates them (from Hawtio's own {@link ConfigManager}) and sets the JAAS
     * configuration Hawtio then logs in with.
     */
    @Bean
    ServletContextInitializer adminKeyLogin(ConfigManager hawtioConfigManager, AdminKeyCheck adminKeys) {
        return servletContext -> {
            servletContext.setAttribute(ConfigManager.CONFIG_MANAGER, hawtioConfigManager);
            AuthenticationConfiguration.getConfiguration(servletContext)
                    .setConfiguration(new AdminKeyJaasConfiguration(adminKeys));
        };
    }

    /**
     * Spring Boot's own configuration of a management child context (every {@code @ManagementContextConfiguration}
     * of type CHILD or ANY, Hawtio's included), which Boot registers in the child it starts itself; it is
     * package-private, so it is imported by name.
     */
    static class ChildManagementContext implements ImportSelector {

        @Override
        public String[] selectImports(AnnotationMetadata metadata) {
            return new String[] {
                "org.springframework.boot.actuate.autoconfigure.web.server.EnableChildManagementContextConfiguration"};
        }
    }
}
