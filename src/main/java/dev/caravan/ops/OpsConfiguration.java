package dev.caravan.ops;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier;
import org.apache.camel.spi.CamelContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Camel hooks of the operations side, registered so that Camel can skip exchange events. Camel raises several
 * events per exchange (created, sending, sent, completed) as soon as one event notifier takes exchange events.
 * None of Caravan's needs them: the route catalog and Micrometer's route gauges follow route events only. A
 * Spring Boot {@code CamelContextConfiguration} would add such a notifier of its own (for its after-start
 * callback), so the reload status hooks in through a Camel startup listener instead. Both are added by a
 * customizer, which Camel applies while it configures the context, before it starts.
 */
@Configuration(proxyBeanMethods = false)
public class OpsConfiguration {

    @Bean
    public CamelContextCustomizer opsHooks(RouteReloadStatus status, MeterRegistry meterRegistry) {
        return camelContext -> {
            try {
                camelContext.addStartupListener(reloadStatusHook(status));
            } catch (Exception e) {
                throw RuntimeCamelException.wrapRuntimeCamelException(e);
            }
            camelContext.getManagementStrategy().addEventNotifier(routeGauges(camelContext, meterRegistry));
        };
    }

    /** Hooks the reload status into Camel's route watcher once Camel has started it. */
    private static ExtendedStartupListener reloadStatusHook(RouteReloadStatus status) {
        return new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                status.attach(context);
            }
        };
    }

    /**
     * Micrometer's gauges of routes added, running and reloaded ({@code camel_routes_*}), as the metrics starter
     * would register them ({@code camel.metrics.enable-route-event-notifier}, off in application.yaml), but
     * declared deaf to exchange events.
     */
    private static MicrometerRouteEventNotifier routeGauges(CamelContext camelContext, MeterRegistry meterRegistry) {
        MicrometerRouteEventNotifier notifier = new MicrometerRouteEventNotifier();
        notifier.setCamelContext(camelContext);
        notifier.setMeterRegistry(meterRegistry);
        notifier.setIgnoreExchangeEvents(true);
        notifier.setIgnoreStepEvents(true);
        return notifier;
    }
}
