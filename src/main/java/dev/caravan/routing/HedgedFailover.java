package dev.caravan.routing;

import java.util.ArrayList;
import java.util.List;

import dev.caravan.call.Attempt;
import dev.caravan.call.CallContext;
import dev.caravan.call.Cancellation;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.processor.loadbalancer.LoadBalancerSupport;
import org.apache.camel.support.ExchangeHelper;

/**
 * Hedged requests: a profile's providers in their order, where a step that has not begun to answer within its
 * {@code hedgeAfter} ms (a stream's first event, a whole answer's status line) gets company: the next step is
 * started too, on its own copy of the exchange. The first attempt to answer wins; the others are cancelled at
 * once, their upstream requests reset so the providers stop generating, and recorded as
 * {@link dev.caravan.call.FailureKind#HEDGE_CANCELLED} attempts (the ledger writes each as a row of its own with
 * outcome {@code hedge_cancelled}; the client is charged for the winner only). A technical failure fails over as
 * Camel's failover does: when no other attempt is still on its way, the next step starts at once.
 *
 * <p>Profile YAML: {@code customLoadBalancer: {ref: hedged}}, with {@code hedgeAfter=800} on a step's
 * {@code provider:} URI ({@code caravan.routing.hedged.after-ms} when absent). Nothing waits: the hedge is a Vert.x
 * timer on the call's event loop, and every attempt runs asynchronously. A prototype bean, like the others in
 * {@link RoutingStrategies}.
 */
public class HedgedFailover extends LoadBalancerSupport {

    private final Vertx vertx;
    private final long defaultHedgeAfterMillis;
    /** Each step's hedge delay, read from its endpoint URI once the route has given this load balancer its steps. */
    private volatile long[] hedgeAfter = new long[0];

    public HedgedFailover(Vertx vertx, long defaultHedgeAfterMillis) {
        if (defaultHedgeAfterMillis <= 0) {
            throw new IllegalArgumentException("caravan.routing.hedged.after-ms must be positive");
        }
        this.vertx = vertx;
        this.defaultHedgeAfterMillis = defaultHedgeAfterMillis;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        AsyncProcessor[] steps = doGetProcessors();
        long[] read = new long[steps.length];
        for (int i = 0; i < steps.length; i++) {
            String option = OrderedFailover.option(steps[i], "hedgeAfter");
            long millis;
            try {
                millis = option == null ? 0 : Long.parseLong(option);
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException("hedgeAfter must be a number of milliseconds, not " + option);
            }
            read[i] = millis > 0 ? millis : defaultHedgeAfterMillis;
        }
        hedgeAfter = read;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        new Race(exchange, callback, doGetProcessors()).launch();
        return false;
    }

    /** One attempt of the race: a step, the copy of the exchange it runs on, and the handle that cancels it. */
    private record Runner(int step, Exchange copy, Cancellation cancellation) {
    }

    /** One call's attempts. Its state changes under its own lock; steps and callbacks run outside it. */
    private final class Race {

        private final Exchange exchange;
        private final AsyncCallback callback;
        private final AsyncProcessor[] steps;
        /** The call's event loop: the hedge timer's handler runs there, like the attempts' completions. */
        private final Context context;
        private final List<Runner> running = new ArrayList<>(2);
        private int nextStep;
        private boolean decided;
        private long timer = -1;

        Race(Exchange exchange, AsyncCallback callback, AsyncProcessor[] steps) {
            this.exchange = exchange;
            this.callback = callback;
            this.steps = steps;
            Context current = Vertx.currentContext();
            this.context = current != null ? current : vertx.getOrCreateContext();
        }

        /** Starts the next step, unless the race is decided or every step has started. */
        void launch() {
            Runner runner;
            synchronized (this) {
                if (decided || nextStep >= steps.length) {
                    return;
                }
                int step = nextStep++;
                Exchange copy = ExchangeHelper.createCopy(exchange, true);
                Cancellation cancellation = new Cancellation();
                copy.setProperty(Cancellation.PROPERTY, cancellation);
                runner = new Runner(step, copy, cancellation);
                running.add(runner);
                if (nextStep < steps.length) {
                    long armed = vertx.setTimer(hedgeAfter[step], id -> context.runOnContext(ignored -> hedgeDue(id)));
                    cancelTimer();
                    timer = armed;
                }
            }
            steps[runner.step()].process(runner.copy(), doneSync -> exchange.getContext().getCamelContextExtension()
                    .getReactiveExecutor().schedule(() -> finished(runner)));
        }

        /** The hedge delay passed: start the next step too, unless an attempt has begun to answer. */
        private void hedgeDue(long id) {
            synchronized (this) {
                if (decided || id != timer) {
                    return;
                }
                timer = -1;
                if (!isRunAllowed()) {
                    // shutting down: the attempts on their way finish, no new one starts
                    return;
                }
                for (Runner runner : running) {
                    if (runner.cancellation().answering()) {
                        // its answer is arriving: wait for it (should it fail, failover starts the next step)
                        return;
                    }
                }
            }
            launch();
        }

        private void finished(Runner runner) {
            List<Runner> losers = List.of();
            boolean failOver = false;
            synchronized (this) {
                running.remove(runner);
                if (decided) {
                    // a loser ending after its cancellation: its request and stream were reset by it
                    return;
                }
                boolean answered = runner.copy().getException() == null;
                if (!answered && !running.isEmpty()) {
                    // another attempt is still on its way and may answer
                    return;
                }
                if (!answered && nextStep < steps.length && isRunAllowed()
                        && !exchange.getContext().getShutdownStrategy().isForceShutdown()) {
                    cancelTimer();
                    failOver = true;
                } else {
                    decided = true;
                    cancelTimer();
                    losers = new ArrayList<>(running);
                    running.clear();
                }
            }
            if (failOver) {
                // the next step at once, as Camel's failover does
                launch();
                return;
            }
            CallContext call = CallContext.of(exchange);
            for (Runner loser : losers) {
                Attempt cancelled = loser.cancellation().cancelledAttempt();
                if (call != null && cancelled != null) {
                    call.recordAttempt(cancelled);
                }
                loser.cancellation().cancel();
            }
            ExchangeHelper.copyResults(exchange, runner.copy());
            callback.done(false);
        }

        private void cancelTimer() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}
