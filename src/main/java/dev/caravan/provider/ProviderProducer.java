package dev.caravan.provider;

import dev.caravan.call.Attempt;
import dev.caravan.call.CallContext;
import dev.caravan.call.Cancellation;
import dev.caravan.call.FailureKind;
import dev.caravan.routing.ProviderInfo;
import dev.caravan.routing.RouteCatalog;
import dev.caravan.text.SafeText;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Exchange;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Sends one attempt to a provider's adapter route and records how it went. */
class ProviderProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderProducer.class);

    private final ProviderEndpoint endpoint;
    private final RouteCatalog catalog;
    private AsyncProducer route;

    ProviderProducer(ProviderEndpoint endpoint, RouteCatalog catalog) {
        super(endpoint);
        this.endpoint = endpoint;
        this.catalog = catalog;
    }

    @Override
    protected void doStart() throws Exception {
        route = getEndpoint().getCamelContext()
                .getEndpoint("direct:" + RouteCatalog.PROVIDER_ROUTE_PREFIX + endpoint.getName())
                .createAsyncProducer();
        ServiceHelper.startService(route);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(route);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CallContext call = CallContext.of(exchange);
        String name = endpoint.getName();
        ProviderInfo info = catalog.provider(name);
        String model = endpoint.getModel();
        if (model == null && call != null) {
            model = call.rawModel();
        }
        if (model == null && info != null) {
            model = info.model();
        }
        if (info == null || !info.offered()) {
            fail(exchange, call, name, model,
                    new ProviderFailureException(FailureKind.UNAVAILABLE, 0, "provider is not configured"));
            callback.done(true);
            return true;
        }
        if (call != null && call.remainingNanos() <= 0) {
            // the request's total deadline passed during an earlier provider: none is tried after it
            fail(exchange, call, name, model, new ProviderFailureException(FailureKind.DEADLINE, 0,
                    "not tried: the request's total deadline passed"));
            callback.done(true);
            return true;
        }
        String upstreamModel = model;
        exchange.setProperty(ProviderTarget.PROPERTY, new ProviderTarget(name, upstreamModel));
        Cancellation cancellation = Cancellation.of(exchange);
        if (cancellation != null) {
            cancellation.calling(name, upstreamModel);
        }
        return route.process(exchange, doneSync -> {
            Exception failure = exchange.getException();
            if (cancellation != null && cancellation.cancelled()) {
                // a hedged attempt given up: the hedging step recorded it when it chose another answer
                if (failure == null) {
                    exchange.setException(new ProviderFailureException(FailureKind.HEDGE_CANCELLED, 0,
                            name + " cancelled: another provider answered first"));
                }
            } else if (failure != null) {
                fail(exchange, call, name, upstreamModel, failure);
            } else if (call != null) {
                int status = exchange.getMessage().getBody() instanceof ProviderResult.Rejected rejected
                        ? rejected.error().status() : 200;
                call.recordAttempt(new Attempt(name, upstreamModel, null, status));
            }
            callback.done(doneSync);
        });
    }

    private void fail(Exchange exchange, CallContext call, String name, String model, Exception failure) {
        FailureKind kind = classify(failure);
        int status = failure instanceof ProviderFailureException pfe ? pfe.status() : 0;
        if (call != null) {
            call.recordAttempt(new Attempt(name, model, kind, status));
        }
        // the exception class and a short reason only: upstream bodies may echo request content
        try (MDC.MDCCloseable ignored = call == null ? null : call.inLogs()) {
            if (kind == FailureKind.UNAVAILABLE) {
                LOG.debug("provider {} skipped: not configured", name);
            } else if (kind == FailureKind.CIRCUIT_OPEN || kind == FailureKind.DEADLINE) {
                LOG.info("provider {} model {} skipped: {}", name, SafeText.forStorage(model, 256),
                        kind == FailureKind.CIRCUIT_OPEN ? "circuit breaker open" : "total deadline passed");
            } else {
                LOG.warn("provider {} model {} failed: {} ({}: {})", name, SafeText.forStorage(model, 256), kind,
                        failure.getClass().getSimpleName(), SafeText.forStorage(failure.getMessage(), 500));
            }
        }
        exchange.setException(failure instanceof ProviderFailureException ? failure
                : new ProviderFailureException(kind, status, kind.name().toLowerCase() + ": " + failure.getMessage()));
    }

    /** The adapter step classifies what it sees ({@link AdapterProducer#technical}); anything else is a broken call. */
    static FailureKind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProviderFailureException pfe) {
                return pfe.kind();
            }
            if (t instanceof DirectConsumerNotAvailableException) {
                return FailureKind.UNAVAILABLE;
            }
        }
        return FailureKind.CONNECTION;
    }
}
