package dev.caravan.billing;

import java.util.Optional;
import java.util.concurrent.Executor;

import dev.caravan.call.CallContext;
import dev.caravan.eventloop.OffLoop;
import dev.caravan.openai.ApiException;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Pays for a call before it runs: its worst-case cost is reserved from the caller's wallet and the key's
 * budgets (held in memory on the key's credit lease), or the call is refused with 402. What is not used is
 * released when the call ends; the ledger charges what it cost. The worst case is taken on a cheap bound of the
 * prompt's tokens (its UTF-8 bytes); the exact count, a tokenizer run, is made only when that bound does not fit.
 */
@Component
public class Admission {

    private final CostEstimator estimator;
    private final CreditLeases leases;
    private final OffLoop step;

    /** @param worker where a hold that needs the database is taken when the call runs on an event loop */
    public Admission(CostEstimator estimator, CreditLeases leases, @Qualifier("requestExecutor") Executor worker) {
        this.estimator = estimator;
        this.leases = leases;
        this.step = OffLoop.step("admission", this::tryAdmit, this::admit, worker);
    }

    /** The route step: admits on the event loop when the key's lease has the credit, else on a worker. */
    public OffLoop admit() {
        return step;
    }

    /** Admits the call, waiting for the database when its key's lease must be taken or grown. */
    public void admit(Exchange exchange) {
        CallContext call = CallContext.of(exchange);
        if (call.identity() == null) {
            return;
        }
        CostEstimator.Estimate bound = estimator.worstCase(call);
        try {
            admitted(exchange, call, bound, leases.hold(call.requestId(), call.identity(), bound.cost()));
        } catch (ApiException refused) {
            // the cheap bound did not fit: the exact count decides, and refuses only if it does not fit either
            CostEstimator.Estimate exact = refused.error().status() == 402 ? estimator.exactWorstCase(call) : bound;
            if (exact.cost().compareTo(bound.cost()) >= 0) {
                throw refused;
            }
            admitted(exchange, call, exact, leases.hold(call.requestId(), call.identity(), exact.cost()));
        }
    }

    /**
     * Admits the call if its worst case fits in its key's lease as it is, without waiting (see
     * {@link CreditLeases#tryHold}); false, having held nothing, when it needs the database.
     */
    public boolean tryAdmit(Exchange exchange) {
        CallContext call = CallContext.of(exchange);
        if (call.identity() == null) {
            return true;
        }
        CostEstimator.Estimate estimate = estimator.worstCase(call);
        Optional<CreditHold> hold = leases.tryHold(call.requestId(), call.identity(), estimate.cost());
        hold.ifPresent(held -> admitted(exchange, call, estimate, held));
        return hold.isPresent();
    }

    private static void admitted(Exchange exchange, CallContext call, CostEstimator.Estimate estimate, CreditHold hold) {
        exchange.setProperty(CreditHold.PROPERTY, hold);
        call.reserved(estimate.cost());
        call.outputAllowance(estimate.maxOutputTokens());
    }
}
