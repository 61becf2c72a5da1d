package dev.caravan.usage;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.admin.AccountsTestSupport;
import dev.caravan.billing.BudgetPeriods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The self-service endpoints read the caller's own ledger rows and key budget: rows are written here directly,
 * as the metering pipeline would, and the figures checked to the last decimal.
 */
class UsageEndpointsTest extends AccountsTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    BudgetPeriods periods;

    private LocalDate today;
    private ZoneId zone;

    private void usage(String userId, String keyId, LocalDate day, String provider, String model, long prompt,
            long completion, String cost) {
        // one second into the day, in the budget calendar
        Instant at = day.atStartOfDay(zone).toInstant().plusSeconds(1);
        jdbc.update("insert into usage_ledger (request_id, user_id, key_id, operation, provider, model, requested_model, "
                + "prompt_tokens, completion_tokens, cost, status, outcome, created_at) "
                + "values (?, ?::uuid, ?::uuid, 'chat', ?, ?, ?, ?, ?, ?, 200, 'completed', ?)",
                "req_" + UUID.randomUUID(), userId, keyId, provider, model, provider + "/" + model, prompt, completion,
                new BigDecimal(cost), Timestamp.from(at));
    }

    private JsonNode get(String path, String key) {
        HttpResponse<String> response = call("GET", path, key, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    private static JsonNode day(JsonNode stats, LocalDate date) {
        for (JsonNode day : stats.get("daily")) {
            if (day.get("date").asText().equals(date.toString())) {
                return day;
            }
        }
        throw new AssertionError("no entry for " + date + " in " + stats.get("daily"));
    }

    private static JsonNode model(JsonNode stats, String provider, String model) {
        for (JsonNode entry : stats.get("by_model")) {
            if (entry.get("provider").asText().equals(provider) && entry.get("model").asText().equals(model)) {
                return entry;
            }
        }
        throw new AssertionError("no entry for " + provider + "/" + model + " in " + stats.get("by_model"));
    }

    @Test
    void statsCostsAndBalanceCoverOnlyTheCallersUsage() {
        today = periods.today();
        zone = periods.zone();
        String user = createUser("Usage Stats");
        JsonNode key = createKey(user, "{\"name\":\"metered\"}");
        String secret = key.get("key").asText();
        String keyId = key.get("id").asText();
        String other = createUser("Usage Other");

        usage(user, keyId, today, "demo", "caravan-demo-1", 100, 50, "0.00012500");
        usage(user, keyId, today, "openai", "gpt-4o-mini", 1000, 200, "0.00027000");
        usage(user, keyId, today.minusDays(1), "demo", "caravan-demo-1", 10, 5, "0.00000125");
        usage(user, keyId, today.minusDays(10), "openai", "gpt-4o-mini", 2000, 1000, "0.0009");
        usage(user, keyId, today.minusDays(40), "openai", "gpt-4o", 500, 500, "0.00625");
        usage(user, keyId, today.minusDays(400), "openai", "gpt-4o", 1, 1, "1");
        usage(other, null, today, "demo", "caravan-demo-1", 999, 999, "5");

        JsonNode week = get("/v1/usage/stats?days=7", secret);
        assertThat(week.get("object").asText()).isEqualTo("usage.stats");
        assertThat(week.get("days").asInt()).isEqualTo(7);
        assertThat(week.get("daily")).hasSize(7);
        assertThat(week.at("/daily/6/date").asText()).isEqualTo(today.toString());
        assertThat(week.at("/daily/0/date").asText()).isEqualTo(today.minusDays(6).toString());
        JsonNode todayStats = day(week, today);
        assertThat(todayStats.get("requests").asLong()).isEqualTo(2);
        assertThat(todayStats.get("prompt_tokens").asLong()).isEqualTo(1100);
        assertThat(todayStats.get("completion_tokens").asLong()).isEqualTo(250);
        assertThat(todayStats.get("cost").decimalValue()).isEqualByComparingTo("0.000395");
        JsonNode yesterday = day(week, today.minusDays(1));
        assertThat(yesterday.get("requests").asLong()).isEqualTo(1);
        assertThat(yesterday.get("cost").decimalValue()).isEqualByComparingTo("0.00000125");
        assertThat(day(week, today.minusDays(2)).get("requests").asLong()).isZero();
        assertThat(week.at("/totals/requests").asLong()).isEqualTo(3);
        assertThat(week.at("/totals/cost").decimalValue()).isEqualByComparingTo("0.00039625");

        assertThat(week.get("by_model")).hasSize(2);
        JsonNode demo = model(week, "demo", "caravan-demo-1");
        assertThat(demo.get("requests").asLong()).isEqualTo(2);
        assertThat(demo.get("total_tokens").asLong()).isEqualTo(165);
        assertThat(demo.get("cost").decimalValue()).isEqualByComparingTo("0.00012625");
        JsonNode mini = model(week, "openai", "gpt-4o-mini");
        assertThat(mini.get("requests").asLong()).isEqualTo(1);
        assertThat(mini.get("cost").decimalValue()).isEqualByComparingTo("0.00027");
        // the costliest model comes first
        assertThat(week.at("/by_model/0/model").asText()).isEqualTo("gpt-4o-mini");

        JsonNode month = get("/v1/usage/stats", secret);
        assertThat(month.get("days").asInt()).isEqualTo(30);
        assertThat(month.get("daily")).hasSize(30);
        assertThat(month.at("/totals/requests").asLong()).isEqualTo(4);
        assertThat(model(month, "openai", "gpt-4o-mini").get("requests").asLong()).isEqualTo(2);
        assertThat(model(month, "openai", "gpt-4o-mini").get("cost").decimalValue()).isEqualByComparingTo("0.00117");

        JsonNode costs = get("/v1/usage/costs", secret);
        assertThat(costs.get("object").asText()).isEqualTo("usage.costs");
        assertThat(costs.get("today").decimalValue()).isEqualByComparingTo("0.000395");
        assertThat(costs.get("last_30_days").decimalValue()).isEqualByComparingTo("0.00129625");
        assertThat(costs.get("all_time").decimalValue()).isEqualByComparingTo("1.00754625");
        BigDecimal monthToDate = new BigDecimal("0.000395");
        LocalDate monthStart = periods.monthStart();
        if (!today.minusDays(1).isBefore(monthStart)) {
            monthToDate = monthToDate.add(new BigDecimal("0.00000125"));
        }
        if (!today.minusDays(10).isBefore(monthStart)) {
            monthToDate = monthToDate.add(new BigDecimal("0.0009"));
        }
        assertThat(costs.get("month_to_date").decimalValue()).isEqualByComparingTo(monthToDate);

        // another user sees only its own
        String otherKey = newKey(other);
        assertThat(get("/v1/usage/costs", otherKey).get("all_time").decimalValue()).isEqualByComparingTo("5");
        assertThat(get("/v1/usage/stats?days=1", otherKey).at("/totals/requests").asLong()).isEqualTo(1);
    }

    @Test
    void budgetShowsTheCallingKeysLimitsSpendAndReset() {
        today = periods.today();
        zone = periods.zone();
        LocalDate monthStart = periods.monthStart();
        String user = createUser("Usage Budget");
        JsonNode key = createKey(user, "{\"name\":\"budgeted\",\"daily_budget\":5,\"monthly_budget\":\"20.5\"}");
        String keyId = key.get("id").asText();
        jdbc.update("insert into key_spend (key_id, period, period_start, spent, reserved) values (?::uuid, 'day', ?, ?, ?)",
                keyId, Date.valueOf(today), new BigDecimal("1.25"), new BigDecimal("0.25"));
        jdbc.update("insert into key_spend (key_id, period, period_start, spent, reserved) values (?::uuid, 'day', ?, ?, ?)",
                keyId, Date.valueOf(today.minusDays(1)), new BigDecimal("4"), BigDecimal.ZERO);
        jdbc.update("insert into key_spend (key_id, period, period_start, spent, reserved) values (?::uuid, 'month', ?, ?, ?)",
                keyId, Date.valueOf(monthStart), new BigDecimal("3.5"), new BigDecimal("0.5"));

        JsonNode budget = get("/v1/usage/budget", key.get("key").asText());
        assertThat(budget.get("object").asText()).isEqualTo("usage.budget");
        assertThat(budget.get("key_id").asText()).isEqualTo(keyId);
        JsonNode daily = budget.get("daily");
        assertThat(daily.get("limit").decimalValue()).isEqualByComparingTo("5");
        assertThat(daily.get("spent").decimalValue()).isEqualByComparingTo("1.25");
        assertThat(daily.get("reserved").decimalValue()).isEqualByComparingTo("0.25");
        assertThat(daily.get("remaining").decimalValue()).isEqualByComparingTo("3.5");
        assertThat(daily.get("period_start").asText()).isEqualTo(today.toString());
        assertThat(daily.get("resets_at").asText()).isEqualTo(today.plusDays(1).atStartOfDay(zone).toInstant().toString());
        JsonNode monthly = budget.get("monthly");
        assertThat(monthly.get("limit").decimalValue()).isEqualByComparingTo("20.5");
        assertThat(monthly.get("spent").decimalValue()).isEqualByComparingTo("3.5");
        assertThat(monthly.get("remaining").decimalValue()).isEqualByComparingTo("16.5");
        assertThat(monthly.get("period_start").asText()).isEqualTo(monthStart.toString());
        assertThat(monthly.get("resets_at").asText())
                .isEqualTo(monthStart.plusMonths(1).atStartOfDay(zone).toInstant().toString());

        // a key without budgets: no limit, nothing spent
        JsonNode open = get("/v1/usage/budget", newKey(user));
        assertThat(open.at("/daily/limit").isNull()).isTrue();
        assertThat(open.at("/daily/remaining").isNull()).isTrue();
        assertThat(open.at("/daily/spent").decimalValue()).isZero();
        assertThat(open.at("/monthly/limit").isNull()).isTrue();
    }

    @Test
    void balanceIsTheCallersWallet() {
        String user = createUser("Usage Balance");
        String key = newKey(user);
        admin("POST", "/admin/users/" + user + "/credits", "{\"amount\":\"12.34\",\"kind\":\"topup\",\"reason\":\"test\"}");
        jdbc.update("update wallets set reserved = 0.5 where user_id = ?::uuid", user);

        JsonNode balance = get("/v1/balance", key);
        assertThat(balance.get("object").asText()).isEqualTo("balance");
        assertThat(balance.get("user_id").asText()).isEqualTo(user);
        assertThat(balance.get("balance").decimalValue()).isEqualByComparingTo("12.34");
        assertThat(balance.get("reserved").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(balance.get("available").decimalValue()).isEqualByComparingTo("11.84");
        assertThat(balance.get("currency").asText()).isEqualTo("USD");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "367", "-1", "abc", "1.5"})
    void daysOutOfRangeIs400(String days) {
        String key = newKey(createUser("Usage Days"));
        HttpResponse<String> response = call("GET", "/v1/usage/stats?days=" + days, key, null);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("param").asText()).isEqualTo("days");
    }

    @Test
    void selfServiceEndpointsNeedAKey() {
        for (String path : new String[] {"/v1/balance", "/v1/usage/stats", "/v1/usage/costs", "/v1/usage/budget"}) {
            HttpResponse<String> response = call("GET", path, null, null);
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(code(response)).isEqualTo("missing_api_key");
        }
        HttpResponse<String> estimate = call("POST", "/v1/chat/estimate", null, "{}");
        assertThat(estimate.statusCode()).isEqualTo(401);
    }
}
