package dev.caravan.http;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Keeps Camel's own thread pools (the ledger queue's consumer, the aggregator's timer, route reloading) on
 * platform threads while requests get virtual ones. camel-spring-boot turns Camel's pools virtual whenever
 * {@code spring.threads.virtual.enabled} is on, unless {@code camel.threads.virtual.enabled} is already set: this
 * runs first and sets it. On a virtual thread, the ledger queue's consumer paid a timer cancellation and a
 * scheduler wake-up for every usage event it took (about a tenth of a call's CPU in bench/); those threads are
 * few and long-lived, which is what platform threads are for. {@code camel.threads.virtual.enabled=true} (a
 * system property) restores Camel's default.
 */
public class CamelPlatformThreads implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY = "camel.threads.virtual.enabled";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "false");
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
