package dev.caravan.hawtio;

import dev.caravan.account.AuditLog;
import dev.caravan.account.Authenticator;
import dev.caravan.account.Identity;
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
     * An admin key as the admin API checks it: revoked, expired or disabled keys refused, every refusal audited (a
     * valid key without admin rights as {@code admin_required}, as the admin API does). No caller address is
     * passed on, so a key restricted to an IP allowlist cannot open Hawtio.
     */
    @Bean
    public AdminKeyCheck adminKeyCheck(Authenticator authenticator, AuditLog audit) {
        return secret -> {
            Identity identity;
            try {
                identity = authenticator.authenticate(new Authenticator.Credentials("Bearer " + secret, null, null,
                        null, null));
            } catch (ApiException refused) {
                return false;
            }
            if (!identity.admin()) {
                audit.authenticationFailed(identity.label(), "admin_required", null);
            }
            return identity.admin();
        };
    }
}
