package dev.caravan.usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.admin.http.ApiReply;
import dev.caravan.admin.http.ApiRequest;
import dev.caravan.admin.http.JsonOut;
import dev.caravan.billing.BudgetPeriods;
import org.springframework.stereotype.Component;

/**
 * {@code GET /v1/usage/stats?days=N}: the caller's usage over the last N calendar days (today included, in
 * the budget time zone), per day (every day listed, zero when idle) and per provider/model.
 */
@Component
public class UsageStatsApi {

    static final int DEFAULT_DAYS = 30;
    static final int MAX_DAYS = 366;

    private final UsageQueries queries;
    private final BudgetPeriods periods;

    public UsageStatsApi(UsageQueries queries, BudgetPeriods periods) {
        this.queries = queries;
        this.periods = periods;
    }

    public ApiReply stats(ApiRequest request) {
        int days = request.intQuery("days", DEFAULT_DAYS, 1, MAX_DAYS);
        UUID userId = request.caller().userId();
        ZoneId zone = periods.zone();
        LocalDate first = periods.today().minusDays(days - 1L);
        List<LocalDate> dates = new ArrayList<>();
        List<Instant> starts = new ArrayList<>();
        List<Instant> ends = new ArrayList<>();
        for (int i = 0; i < days; i++) {
            LocalDate date = first.plusDays(i);
            dates.add(date);
            starts.add(date.atStartOfDay(zone).toInstant());
            ends.add(date.plusDays(1).atStartOfDay(zone).toInstant());
        }
        Instant from = starts.get(0);
        Instant to = ends.get(days - 1);

        List<UsageQueries.Totals> perDay = queries.perPeriod(userId, starts, ends);
        ObjectNode body = JsonOut.object("usage.stats");
        body.put("user_id", userId.toString());
        body.put("days", days);
        body.put("time_zone", zone.getId());
        body.put("from", from.toString());
        body.put("to", to.toString());
        body.put("currency", JsonOut.CURRENCY);
        UsageQueries.Totals all = sum(perDay);
        UsageViews.totals(body.putObject("totals"), all);
        ArrayNode daily = body.putArray("daily");
        for (int i = 0; i < days; i++) {
            ObjectNode day = daily.addObject();
            day.put("date", dates.get(i).toString());
            UsageViews.totals(day, perDay.get(i));
        }
        ArrayNode byModel = body.putArray("by_model");
        for (UsageQueries.ModelTotals model : queries.perModel(userId, from, to)) {
            ObjectNode entry = byModel.addObject();
            JsonOut.putText(entry, "provider", model.provider());
            JsonOut.putText(entry, "model", model.model());
            UsageViews.totals(entry, model.totals());
        }
        return ApiReply.ok(body);
    }

    private static UsageQueries.Totals sum(List<UsageQueries.Totals> days) {
        long requests = 0;
        long prompt = 0;
        long completion = 0;
        BigDecimal cost = BigDecimal.ZERO;
        long cacheHits = 0;
        for (UsageQueries.Totals day : days) {
            requests += day.requests();
            prompt += day.promptTokens();
            completion += day.completionTokens();
            cost = cost.add(day.cost());
            cacheHits += day.cacheHits();
        }
        return new UsageQueries.Totals(requests, prompt, completion, cost, cacheHits);
    }
}
