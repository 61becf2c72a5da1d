package dev.caravan.upstream;

import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import io.vertx.core.Vertx;

/** A minimal CamelContext with the component and one route, {@code direct:call} to {@code upstream:test}. */
final class UpstreamCamel implements AutoCloseable {

    final CamelContext camel;
    final UpstreamComponent component;
    final ProducerTemplate template;

    UpstreamCamel(Vertx vertx) {
        this(vertx, component -> { });
    }

    UpstreamCamel(Vertx vertx, Consumer<UpstreamComponent> configure) {
        try {
            camel = new DefaultCamelContext();
            component = new UpstreamComponent(vertx);
            configure.accept(component);
            camel.addComponent("upstream", component);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // failures are what the tests look at: no error handler logging each one
                    errorHandler(noErrorHandler());
                    from("direct:call").to("upstream:test");
                }
            });
            camel.start();
            template = camel.createProducerTemplate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Exchange send(UpstreamRequest request) {
        return template.send("direct:call", exchange -> exchange.getMessage().setBody(request));
    }

    UpstreamResponse call(UpstreamRequest request) {
        Exchange exchange = send(request);
        if (exchange.getException() != null) {
            throw new AssertionError("expected a response, got " + exchange.getException(), exchange.getException());
        }
        return exchange.getMessage().getBody(UpstreamResponse.class);
    }

    UpstreamFailure failure(UpstreamRequest request) {
        Exchange exchange = send(request);
        Exception exception = exchange.getException();
        if (!(exception instanceof UpstreamFailure failure)) {
            throw new AssertionError("expected an UpstreamFailure, got " + exception + " / body "
                    + exchange.getMessage().getBody(), exception);
        }
        return failure;
    }

    @Override
    public void close() {
        camel.stop();
    }
}
