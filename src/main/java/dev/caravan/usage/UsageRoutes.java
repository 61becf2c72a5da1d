package dev.caravan.usage;

import dev.caravan.admin.http.Access;
import dev.caravan.admin.http.AccountRoutes;
import dev.caravan.admin.http.CallerAuthentication;
import dev.caravan.api.ErrorResponder;
import org.springframework.stereotype.Component;

/**
 * The self-service endpoints: any valid key (or JWT) sees its own user's balance, usage, costs and key
 * budget, and can price a chat request before sending it. Nothing here reaches another user's data: every
 * query is bound to the caller's user id, or to the calling key.
 */
@Component
public class UsageRoutes extends AccountRoutes {

    private final BalanceApi balance;
    private final UsageStatsApi stats;
    private final UsageCostsApi costs;
    private final BudgetApi budget;
    private final ChatEstimateApi estimate;

    public UsageRoutes(ErrorResponder errors, CallerAuthentication authentication, BalanceApi balance,
            UsageStatsApi stats, UsageCostsApi costs, BudgetApi budget, ChatEstimateApi estimate) {
        super(errors, authentication);
        this.balance = balance;
        this.stats = stats;
        this.costs = costs;
        this.budget = budget;
        this.estimate = estimate;
    }

    @Override
    protected void endpoints() {
        endpoint("GET", "/v1/balance", "usage-balance", Access.USER, balance::balance);
        endpoint("GET", "/v1/usage/stats", "usage-stats", Access.USER, stats::stats);
        endpoint("GET", "/v1/usage/costs", "usage-costs", Access.USER, costs::costs);
        endpoint("GET", "/v1/usage/budget", "usage-budget", Access.USER, budget::budget);
        endpoint("POST", "/v1/chat/estimate", "usage-chat-estimate", Access.USER, estimate::estimate);
    }
}
