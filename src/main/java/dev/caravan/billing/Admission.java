package dev.caravan.billing;

import dev.caravan.routing.CallContext;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Pays for a call before it runs: its worst-case cost is reserved from the caller's wallet and the key's
 * budgets, or the call is refused with 402. What is not used is released when the call is settled.
 */
@Component
public class Admission {

    private final CostEstimator estimator;
    private final WalletService wallets;

    public Admission(CostEstimator estimator, WalletService wallets) {
        this.estimator = estimator;
        this.wallets = wallets;
    }

    public void admit(Exchange exchange) {
        CallContext call = CallContext.of(exchange);
        if (call.identity() == null) {
            return;
        }
        CostEstimator.Estimate estimate = estimator.worstCase(call);
        wallets.reserve(call.requestId(), call.identity(), estimate.cost());
        call.reserved(estimate.cost());
    }
}
