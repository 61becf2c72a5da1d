package dev.caravan.routing;

import java.util.concurrent.RejectedExecutionException;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Channel;
import org.apache.camel.EndpointAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.processor.loadbalancer.LoadBalancerSupport;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.util.URISupport;

/**
 * A profile's providers tried one after the other, as Camel's {@code failoverLoadBalancer} does (a technical
 * failure, i.e. an exception, moves on to the next; an answer, even a refusal, ends it; each step is tried once on
 * a copy of the exchange), but in an order chosen per call by {@link #order}: by weight, by recent latency.
 * Used in a profile's YAML as {@code customLoadBalancer: {ref: weighted}} (or {@code leastLatency}); each lookup
 * of those names makes a new instance (prototype beans, see {@link RoutingStrategies}), so each profile keeps
 * its own statistics. Everything runs on the thread that calls it, asynchronously: nothing waits.
 */
public abstract class OrderedFailover extends LoadBalancerSupport {

    /**
     * The order to try the steps in for one call: a permutation of {@code 0..steps-1} (fewer entries skip the
     * missing steps).
     */
    protected abstract int[] order(int steps);

    /** Told how each attempt ended, after it did (on the thread that ended it). */
    protected void attempted(int step, long nanos, boolean failed) {
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        AsyncProcessor[] steps = doGetProcessors();
        new Attempts(exchange, callback, steps, order(steps.length)).next();
        return false;
    }

    /** The {@code weight} option of the step's endpoint URI ({@code provider:x?weight=70}), or 1. */
    protected static double weight(Processor step) {
        String weight = option(step, "weight");
        if (weight == null) {
            return 1;
        }
        try {
            return Math.max(0, Double.parseDouble(weight));
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException("weight of a step must be a number, not " + weight);
        }
    }

    /**
     * An option of the step's endpoint URI that the endpoint itself ignores and a load balancer reads
     * ({@code weight}, {@code hedgeAfter}); null when the step has none.
     */
    static String option(Processor step, String name) {
        Processor inner = step instanceof Channel channel ? channel.getNextProcessor() : step;
        if (inner instanceof EndpointAware aware) {
            String query = URISupport.extractQuery(aware.getEndpoint().getEndpointUri());
            try {
                Object value = query == null ? null : URISupport.parseQuery(query).get(name);
                return value == null ? null : value.toString();
            } catch (Exception malformed) {
                throw new IllegalArgumentException("the options of " + aware.getEndpoint().getEndpointUri()
                        + " cannot be read");
            }
        }
        return null;
    }

    /** One call's way through its order of steps. */
    private final class Attempts {

        private final Exchange exchange;
        private final AsyncCallback callback;
        private final AsyncProcessor[] steps;
        private final int[] order;
        private int position = -1;
        private Exchange copy;

        Attempts(Exchange exchange, AsyncCallback callback, AsyncProcessor[] steps, int[] order) {
            this.exchange = exchange;
            this.callback = callback;
            this.steps = steps;
            this.order = order;
        }

        void next() {
            if (copy != null && copy.getException() == null) {
                ExchangeHelper.copyResults(exchange, copy);
                callback.done(false);
                return;
            }
            if (!isRunAllowed() || exchange.getContext().getShutdownStrategy().isForceShutdown()) {
                if (copy != null) {
                    ExchangeHelper.copyResults(exchange, copy);
                }
                if (exchange.getException() == null) {
                    exchange.setException(new RejectedExecutionException("the gateway is shutting down"));
                }
                callback.done(false);
                return;
            }
            position++;
            if (position >= order.length) {
                // every step failed: the last failure is the call's
                if (copy != null) {
                    ExchangeHelper.copyResults(exchange, copy);
                }
                callback.done(false);
                return;
            }
            int step = order[position];
            copy = ExchangeHelper.createCopy(exchange, true);
            long started = System.nanoTime();
            Exchange attempt = copy;
            steps[step].process(attempt, doneSync -> {
                attempted(step, System.nanoTime() - started, attempt.getException() != null);
                exchange.getContext().getCamelContextExtension().getReactiveExecutor().schedule(this::next);
            });
        }
    }
}
