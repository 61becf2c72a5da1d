package dev.caravan.hawtio;

import dev.caravan.account.Authenticator;
import dev.caravan.openai.ApiException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Hawtio on the management port, only with {@code caravan.hawtio.enabled=true}. Off, not one bean of it exists:
 * no Tomcat, no Spring MVC, no second port (README, Operations: Hawtio).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "caravan.hawtio.enabled", havingValue = "true")
public class HawtioConfiguration {

    @Bean
    public ManagementServer hawtioManagementServer(ConfigurableApplicationContext gateway, HawtioSettings settings) {
        return new ManagementServer(gateway, settings);
    }

    /**
     * An admin key as the API checks it (revoked, expired or disabled keys refused, failures audited). No caller
     * address is passed on, so a key restricted to an IP allowlist cannot open Hawtio.
     */
    @Bean
    public AdminKeyCheck adminKeyCheck(Authenticator authenticator) {
        return secret -> {
            try {
                return authenticator.authenticate(
                        new Authenticator.Credentials("Bearer " + secret, null, null, null, null)).admin();
            } catch (ApiException refused) {
                return false;
            }
        };
    }
}
