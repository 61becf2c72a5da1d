package dev.caravan.api;

import dev.caravan.call.CallContext;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ProducerCache;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.cache.DefaultProducerCache;
import org.apache.camel.support.service.ServiceHelper;

/**
 * The API route's call of its target (the profile route, or the provider of a raw {@code provider/model} id named
 * in {@link RequestIntake#TARGET_PROPERTY}): what {@code toD} does (an endpoint resolved per call, its producer
 * cached), and then two things when the target returns.
 *
 * <p><b>It clears Camel's route-stop flag.</b> A step of a profile route may answer the call itself and skip the
 * rest of the profile: the response cache does on a hit (its answer in the body, no provider asked). It does so the
 * way Camel's {@code stop} EIP does, with {@code exchange.setRouteStop(true)}. That flag belongs to the exchange,
 * not to a route: Camel 4.17's {@code Pipeline} checks {@code exchange.isRouteStop()} before each next step of
 * every pipeline the exchange is in ({@code PipelineHelper.continueProcessing} only looks at failures, rollbacks
 * and handled errors), and {@code CamelInternalProcessor}, around every route and step, completes at once for a
 * stopped exchange. So the profile's failover is skipped, as wanted, and so would the API route's own steps be: the
 * answer would never be written, the call never finished or tapped to the ledger. Clearing the flag here, in the
 * target's callback before the API route's pipeline looks at the exchange again, ends only the profile route. The
 * other designs were worse: a {@code choice} around every profile's failover (no longer one short YAML line), or
 * the provider step checking whether a cache answered (the provider side knowing about the cache).
 *
 * <p><b>It runs the call's {@link CallContext#whenAnswered} actions</b> when the target answered (no failure):
 * a profile step that must see or wrap the providers' answer before it is written (the response cache records a
 * stream as it passes).
 *
 * <p>It never waits: the callback runs on the thread that completes the target (the event loop, for a provider's
 * answer).
 */
final class TargetCall extends AsyncProcessorSupport {

    private final CamelContext camel;
    private ProducerCache producers;

    TargetCall(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    protected void doStart() throws Exception {
        if (producers == null) {
            producers = new DefaultProducerCache(this, camel, 1000);
        }
        ServiceHelper.startService(producers);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(producers);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Endpoint endpoint;
        try {
            endpoint = camel.getEndpoint(exchange.getProperty(RequestIntake.TARGET_PROPERTY, String.class));
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        return producers.doInAsyncProducer(endpoint, exchange, doneSync -> {
            exchange.setRouteStop(false);
            if (exchange.getException() == null) {
                CallContext call = CallContext.of(exchange);
                if (call != null) {
                    try {
                        call.answered(exchange);
                    } catch (RuntimeException e) {
                        exchange.setException(e);
                    }
                }
            }
            callback.done(doneSync);
        }, (producer, sent, done) -> producer.process(sent, done));
    }

    @Override
    public String toString() {
        return "targetCall(${exchangeProperty." + RequestIntake.TARGET_PROPERTY + "})";
    }
}
