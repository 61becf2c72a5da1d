package dev.caravan.alerts;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Money alerts, read from the database after the ledger charged a batch of calls: a key whose spend in the current
 * day or month crossed 80 % or 100 % of its budget (once per key, period and threshold: a crossing is remembered
 * until the period is over), and a user whose wallet fell under {@code caravan.alerts.wallet-low-below} (once, until
 * the balance is back above it). Two small queries per batch, on the settled-calls route's thread.
 *
 * <p>The budget periods are the billing calendar's ({@code caravan.billing.time-zone}), computed here rather than
 * asked of billing/, so that alerts stay a leaf package every other one may raise alerts from.
 */
final class SpendWatch {

    private static final BigDecimal EIGHTY = new BigDecimal("0.8");
    private static final BigDecimal HUNDRED = new BigDecimal("100");

    private final JdbcTemplate jdbc;
    private final ZoneId zone;
    private final BigDecimal walletLowBelow;
    /** Crossings already alerted: key, period, period start and threshold. Kept past the longest period. */
    private final Cache<String, Boolean> crossed = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofDays(32)).build();
    /** Users alerted as low, until their balance is back above the threshold. */
    private final Cache<UUID, Boolean> low = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofDays(32)).build();

    SpendWatch(JdbcTemplate jdbc, ZoneId zone, BigDecimal walletLowBelow) {
        this.jdbc = jdbc;
        this.zone = zone;
        this.walletLowBelow = walletLowBelow;
    }

    /** The budget crossings of these keys not alerted yet. */
    List<AlertEvent> budgets(Collection<UUID> keyIds) {
        List<AlertEvent> alerts = new ArrayList<>();
        if (keyIds.isEmpty()) {
            return alerts;
        }
        LocalDate day = LocalDate.now(zone);
        LocalDate month = day.withDayOfMonth(1);
        jdbc.query(connection -> {
            var statement = connection.prepareStatement("select k.id, k.user_id, s.period, s.period_start, s.spent, "
                    + "case when s.period = 'day' then k.daily_budget else k.monthly_budget end as budget "
                    + "from api_keys k join key_spend s on s.key_id = k.id "
                    + "and ((s.period = 'day' and s.period_start = ?) or (s.period = 'month' and s.period_start = ?)) "
                    + "where k.id = any(?)");
            statement.setDate(1, Date.valueOf(day));
            statement.setDate(2, Date.valueOf(month));
            statement.setArray(3, connection.createArrayOf("uuid", keyIds.toArray()));
            return statement;
        }, rs -> {
            BigDecimal budget = rs.getBigDecimal("budget");
            BigDecimal spent = rs.getBigDecimal("spent");
            if (budget == null || budget.signum() <= 0 || spent == null) {
                return;
            }
            UUID keyId = rs.getObject("id", UUID.class);
            String period = "day".equals(rs.getString("period")) ? "daily" : "monthly";
            String start = rs.getDate("period_start").toString();
            if (spent.compareTo(budget) >= 0) {
                // the 80 % alert is moot once 100 % is reached
                crossed.put(keyId + "/" + period + "/" + start + "/80", true);
                crossing(alerts, keyId, rs.getObject("user_id", UUID.class), period, start, spent, budget, 100);
            } else if (spent.compareTo(budget.multiply(EIGHTY)) >= 0) {
                crossing(alerts, keyId, rs.getObject("user_id", UUID.class), period, start, spent, budget, 80);
            }
        });
        return alerts;
    }

    private void crossing(List<AlertEvent> alerts, UUID keyId, UUID userId, String period, String start,
            BigDecimal spent, BigDecimal budget, int percent) {
        String remembered = keyId + "/" + period + "/" + start + "/" + percent;
        if (crossed.asMap().putIfAbsent(remembered, true) != null) {
            return;
        }
        String summary = percent == 100
                ? "an API key has spent its whole " + period + " budget; its calls are refused until the period ends"
                : "an API key has spent " + percent + " % of its " + period + " budget";
        Map<String, Object> detail = Map.of("key_id", keyId.toString(), "user_id", String.valueOf(userId),
                "period", period, "period_start", start, "spent_usd", spent.stripTrailingZeros().toPlainString(),
                "budget_usd", budget.stripTrailingZeros().toPlainString(),
                "percent", spent.multiply(HUNDRED).divide(budget, 1, RoundingMode.DOWN).toPlainString());
        String cause = "key_budget_" + percent;
        String subject = "key:" + keyId + "/" + period;
        alerts.add(percent == 100 ? AlertEvent.critical(cause, subject, summary, detail)
                : AlertEvent.warning(cause, subject, summary, detail));
    }

    /** Wallets of these users that fell under the threshold, not alerted yet; clears those back above it. */
    List<AlertEvent> wallets(Collection<UUID> userIds) {
        List<AlertEvent> alerts = new ArrayList<>();
        if (userIds.isEmpty() || walletLowBelow.signum() <= 0) {
            return alerts;
        }
        jdbc.query(connection -> {
            var statement = connection.prepareStatement("select user_id, balance from wallets where user_id = any(?)");
            statement.setArray(1, connection.createArrayOf("uuid", userIds.toArray()));
            return statement;
        }, rs -> {
            UUID userId = rs.getObject("user_id", UUID.class);
            BigDecimal balance = rs.getBigDecimal("balance");
            if (balance.compareTo(walletLowBelow) >= 0) {
                low.invalidate(userId);
            } else if (low.asMap().putIfAbsent(userId, true) == null) {
                alerts.add(AlertEvent.warning("wallet_low", "user:" + userId,
                        "a user's wallet balance is under the alert threshold",
                        Map.of("user_id", userId.toString(), "balance_usd", balance.stripTrailingZeros().toPlainString(),
                                "threshold_usd", walletLowBelow.stripTrailingZeros().toPlainString())));
            }
        });
        return alerts;
    }
}
