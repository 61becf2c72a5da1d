package dev.caravan.routing;

import io.vertx.core.Vertx;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

/**
 * The project's load balancers a profile's YAML names in {@code customLoadBalancer: {ref: ...}}. They are
 * prototype beans: Camel looks a name up once per route it builds, and each lookup makes a new instance, so every
 * profile (and every reload of it) has load balancer state of its own.
 */
@Configuration(proxyBeanMethods = false)
public class RoutingStrategies {

    @Bean
    @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
    public WeightedFailover weighted() {
        return new WeightedFailover();
    }

    @Bean
    @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
    public HedgedFailover hedged(Vertx vertx, @Value("${caravan.routing.hedged.after-ms:1000}") long hedgeAfterMillis) {
        return new HedgedFailover(vertx, hedgeAfterMillis);
    }

    @Bean
    @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
    public LeastLatencyFailover leastLatency(
            @Value("${caravan.routing.least-latency.alpha:0.2}") double alpha,
            @Value("${caravan.routing.least-latency.explore:0.05}") double explore,
            @Value("${caravan.routing.least-latency.failure-penalty-ms:10000}") long failurePenalty) {
        return new LeastLatencyFailover(alpha, explore, failurePenalty);
    }
}
