package dev.caravan.upstream;

import dev.caravan.call.Cancellation;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Sends the exchange's {@link UpstreamRequest} and completes the exchange later, on a Vert.x event loop: with
 * an {@link UpstreamResponse} as the body (and its status in {@link Exchange#HTTP_RESPONSE_CODE}), or with an
 * {@link UpstreamFailure} as the exception. {@link #process(Exchange, AsyncCallback)} never waits: it returns
 * false at once and the calling thread is free.
 *
 * <p>A call runs on the context in the exchange's {@link UpstreamComponent#CONTEXT_PROPERTY} (the client's request
 * loop), else on the calling Vert.x thread's context; from any other thread it gets a fresh event-loop context, so calls are
 * spread over the event loops.
 */
final class UpstreamProducer extends DefaultAsyncProducer {

    private static final Logger log = LoggerFactory.getLogger(UpstreamProducer.class);
    private static final Runnable NOTHING = () -> {
    };

    UpstreamProducer(UpstreamEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public UpstreamEndpoint getEndpoint() {
        return (UpstreamEndpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        UpstreamEndpoint endpoint = getEndpoint();
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof UpstreamRequest request)) {
            exchange.setException(new IllegalArgumentException("upstream:" + endpoint.getName()
                    + " expects an UpstreamRequest body, got " + (body == null ? "null" : body.getClass().getName())));
            callback.done(true);
            return true;
        }
        UpstreamComponent component = endpoint.getComponent();
        Vertx vertx = component.getVertx();
        Context context = exchange.getProperty(UpstreamComponent.CONTEXT_PROPERTY, Context.class);
        if (context == null) {
            context = vertx.getOrCreateContext();
        }
        Cancellation cancellation = Cancellation.of(exchange);
        UpstreamCall call = new UpstreamCall(endpoint.getName(), vertx, context, component.client(), request,
                component.getClock(), outcome -> complete(exchange, callback, outcome),
                cancellation == null ? NOTHING : cancellation::markAnswering);
        if (cancellation != null) {
            Context loop = context;
            cancellation.onCancel(() -> loop.runOnContext(ignored -> call.cancel()));
        }
        context.runOnContext(ignored -> call.start());
        return false;
    }

    private static void complete(Exchange exchange, AsyncCallback callback, Object outcome) {
        if (outcome instanceof UpstreamResponse response) {
            exchange.getMessage().setBody(response);
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, response.status());
        } else {
            UpstreamFailure failure = (UpstreamFailure) outcome;
            log.debug("{}", failure.getMessage());
            exchange.setException(failure);
        }
        callback.done(false);
    }
}
