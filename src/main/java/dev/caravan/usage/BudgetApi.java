package dev.caravan.usage;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.account.ApiKey;
import dev.caravan.admin.http.ApiReply;
import dev.caravan.admin.http.ApiRequest;
import dev.caravan.admin.http.JsonOut;
import dev.caravan.billing.BudgetPeriods;
import dev.caravan.billing.WalletService;
import dev.caravan.openai.ApiException;
import org.springframework.stereotype.Component;

/**
 * {@code GET /v1/usage/budget}: the calling key's daily and monthly budget, what it spent and holds for
 * running calls in the current period, what is left and when the period starts over. Budgets belong to keys,
 * so a caller with a JWT (no key) is told so.
 */
@Component
public class BudgetApi {

    private final WalletService wallets;
    private final BudgetPeriods periods;

    public BudgetApi(WalletService wallets, BudgetPeriods periods) {
        this.wallets = wallets;
        this.periods = periods;
    }

    public ApiReply budget(ApiRequest request) {
        ApiKey key = request.caller().key();
        if (key == null) {
            throw ApiException.invalid("Budgets belong to API keys; this request was made with a bearer token. Call "
                    + "with the API key whose budget you want to see.", null, "api_key_required");
        }
        Map<String, BigDecimal[]> spend = wallets.keySpend(key.id());
        ZoneId zone = periods.zone();
        LocalDate day = periods.today();
        LocalDate month = periods.monthStart();
        ObjectNode body = JsonOut.object("usage.budget");
        body.put("key_id", key.id().toString());
        body.put("key_prefix", key.prefix());
        body.put("currency", JsonOut.CURRENCY);
        body.put("time_zone", zone.getId());
        period(body.putObject("daily"), key.dailyBudget(), spend.get("day"), day, day.plusDays(1), zone);
        period(body.putObject("monthly"), key.monthlyBudget(), spend.get("month"), month, month.plusMonths(1), zone);
        return ApiReply.ok(body);
    }

    private static void period(ObjectNode node, BigDecimal limit, BigDecimal[] spend, LocalDate start, LocalDate next,
            ZoneId zone) {
        BigDecimal spent = spend == null ? BigDecimal.ZERO : spend[0];
        BigDecimal reserved = spend == null ? BigDecimal.ZERO : spend[1];
        JsonOut.putMoney(node, "limit", limit);
        JsonOut.putMoney(node, "spent", spent);
        JsonOut.putMoney(node, "reserved", reserved);
        JsonOut.putMoney(node, "remaining", limit == null ? null : limit.subtract(spent).subtract(reserved).max(BigDecimal.ZERO));
        node.put("period_start", start.toString());
        node.put("resets_at", next.atStartOfDay(zone).toInstant().toString());
    }
}
