package dev.caravan.usage;

import java.time.ZoneId;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.admin.http.ApiReply;
import dev.caravan.admin.http.ApiRequest;
import dev.caravan.admin.http.JsonOut;
import dev.caravan.billing.BudgetPeriods;
import org.springframework.stereotype.Component;

/**
 * {@code GET /v1/usage/costs}: what the caller spent today, this month, in the last 30 days (today and the 29
 * days before, as {@code /v1/usage/stats?days=30} counts them) and ever. Days and months follow the budget
 * time zone.
 */
@Component
public class UsageCostsApi {

    private final UsageQueries queries;
    private final BudgetPeriods periods;

    public UsageCostsApi(UsageQueries queries, BudgetPeriods periods) {
        this.queries = queries;
        this.periods = periods;
    }

    public ApiReply costs(ApiRequest request) {
        ZoneId zone = periods.zone();
        var today = periods.today();
        UsageQueries.CostTotals totals = queries.costs(request.caller().userId(), today.atStartOfDay(zone).toInstant(),
                periods.monthStart().atStartOfDay(zone).toInstant(), today.minusDays(29).atStartOfDay(zone).toInstant());
        ObjectNode body = JsonOut.object("usage.costs");
        body.put("user_id", request.caller().userId().toString());
        body.put("currency", JsonOut.CURRENCY);
        body.put("time_zone", zone.getId());
        JsonOut.putMoney(body, "today", totals.today());
        JsonOut.putMoney(body, "month_to_date", totals.monthToDate());
        JsonOut.putMoney(body, "last_30_days", totals.last30Days());
        JsonOut.putMoney(body, "all_time", totals.allTime());
        return ApiReply.ok(body);
    }
}
