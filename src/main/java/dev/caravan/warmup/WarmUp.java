package dev.caravan.warmup;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.caravan.account.Authenticator;
import dev.caravan.billing.CreditLeases;
import io.vertx.core.Vertx;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Makes the gateway fast from its first call: before it reports ready, it calls itself through its own HTTP port a
 * few thousand times (a profile and a provider id, JSON and streams, chat and embeddings) against a provider in this
 * process, so the JIT has compiled the request path before clients arrive. Spring Boot turns readiness to
 * ACCEPTING_TRAFFIC only after every {@link ApplicationRunner} has returned, so the probe waits for this.
 *
 * <p>The calls take the real path (key check, credit hold, adapter, non-blocking upstream client, stream relay,
 * ledger queue) with a credential of this process alone ({@link WarmUpCaller}); nothing of them reaches a wallet,
 * the ledger or the access log, and the routes it adds are gone before it returns. A warm-up that fails is logged
 * and skipped: it never keeps the gateway from starting.
 */
@Component
@EnableConfigurationProperties(WarmUpProperties.class)
public class WarmUp implements ApplicationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

    private final WarmUpProperties properties;
    private final CamelContext camel;
    private final Vertx vertx;
    private final Authenticator authenticator;
    private final CreditLeases leases;
    private volatile WarmUpClient.Result result;

    public WarmUp(WarmUpProperties properties, CamelContext camel, Vertx vertx, Authenticator authenticator,
            CreditLeases leases) {
        this.properties = properties;
        this.camel = camel;
        this.vertx = vertx;
        this.authenticator = authenticator;
        this.leases = leases;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (properties.calls() == 0) {
            return;
        }
        VertxPlatformHttpServer server = camel.hasService(VertxPlatformHttpServer.class);
        if (server == null || !camel.isStarted()) {
            // camel-test starts Camel after the Spring context, and so after this runner
            LOG.info("warm-up skipped: the gateway's routes are not started yet");
            return;
        }
        try (WarmUpUpstream upstream = WarmUpUpstream.start(vertx);
                WarmUpRoutes routes = WarmUpRoutes.add(camel, upstream.baseUrl());
                WarmUpCaller caller = WarmUpCaller.open(authenticator, leases)) {
            result = new WarmUpClient(vertx, server.getPort(), caller.token(), properties.concurrency())
                    .run(properties.calls(), properties.concurrency(), properties.maxTime())
                    .get(properties.maxTime().toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("warm-up skipped: {}", e.toString());
            return;
        }
        if (result.failed() > 0) {
            LOG.warn("warm-up: {} of {} calls failed (the first with status {})", result.failed(), result.calls(),
                    result.firstFailureStatus());
        }
        LOG.info("warmed up with {} calls in {} ms", result.calls(), result.took().toMillis());
    }

    /** What the last warm-up did; empty when none ran. */
    public Optional<WarmUpClient.Result> result() {
        return Optional.ofNullable(result);
    }
}
