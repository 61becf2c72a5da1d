package dev.caravan.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class OpsConfiguration {

    /** Hooks the reload status into Camel's route watcher once Camel has started it. */
    @Bean
    public CamelContextConfiguration routeReloadStatusHook(RouteReloadStatus status) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                status.attach(camelContext);
            }
        };
    }
}
