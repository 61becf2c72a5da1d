package dev.caravan.billing;

import dev.caravan.call.CallContext;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Pays for a call before it runs: its worst-case cost is reserved from the caller's wallet and the key's
 * budgets (held in memory on the key's credit lease), or the call is refused with 402. What is not used is
 * released when the call ends; the ledger charges what it cost.
 */
@Component
public class Admission {

    private final CostEstimator estimator;
    private final CreditLeases leases;

    public Admission(CostEstimator estimator, CreditLeases leases) {
        this.estimator = estimator;
        this.leases = leases;
    }

    public void admit(Exchange exchange) {
        CallContext call = CallContext.of(exchange);
        if (call.identity() == null) {
            return;
        }
        CostEstimator.Estimate estimate = estimator.worstCase(call);
        exchange.setProperty(CreditHold.PROPERTY, leases.hold(call.requestId(), call.identity(), estimate.cost()));
        call.reserved(estimate.cost());
    }
}
