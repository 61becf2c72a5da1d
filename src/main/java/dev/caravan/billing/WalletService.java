package dev.caravan.billing;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.caravan.account.ApiKey;
import dev.caravan.account.Identity;
import dev.caravan.api.ApiException;
import dev.caravan.openai.OpenAiError;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Credits: a call's worst-case cost is reserved before it runs and settled on its real cost after. A
 * reservation is one conditional UPDATE of the wallet row ({@code balance - reserved >= amount}), so
 * concurrent calls of one user queue on that row and can never together spend more than the balance. The
 * key's daily and monthly budgets are held the same way, in the same transaction.
 */
@Service
public class WalletService {

    /** A wallet: the balance, what open calls hold, and what is left to spend. */
    public record Balance(UUID userId, BigDecimal balance, BigDecimal reserved) {
        public BigDecimal available() {
            return balance.subtract(reserved);
        }
    }

    private final JdbcTemplate jdbc;
    private final BudgetPeriods periods;
    private final BillingProperties properties;

    public WalletService(JdbcTemplate jdbc, BudgetPeriods periods, BillingProperties properties) {
        this.jdbc = jdbc;
        this.periods = periods;
        this.properties = properties;
    }

    /** Holds {@code amount} for a call, or refuses it with 402 naming what cannot cover it. */
    @Transactional
    public void reserve(String requestId, Identity identity, BigDecimal amount) {
        int held = jdbc.update("update wallets set reserved = reserved + ?, updated_at = now() "
                + "where user_id = ? and balance - reserved >= ?", amount, identity.userId(), amount);
        if (held == 0) {
            Balance balance = balance(identity.userId());
            throw insufficient("Insufficient credits: this request may cost up to $" + plain(amount) + " but $"
                    + plain(balance.available()) + " is available. Top up the wallet or lower max_tokens.", "insufficient_credits");
        }
        LocalDate day = periods.today();
        LocalDate month = periods.monthStart();
        ApiKey key = identity.key();
        if (key != null) {
            holdBudget(key.id(), "day", day, key.dailyBudget(), amount, "daily");
            holdBudget(key.id(), "month", month, key.monthlyBudget(), amount, "monthly");
        }
        jdbc.update("insert into reservations (request_id, user_id, key_id, amount, day_start, month_start, expires_at) "
                + "values (?, ?, ?, ?, ?, ?, ?)", requestId, identity.userId(), identity.keyId(), amount, Date.valueOf(day),
                Date.valueOf(month), Timestamp.from(Instant.now().plus(properties.ttl())));
    }

    private void holdBudget(UUID keyId, String period, LocalDate start, BigDecimal budget, BigDecimal amount, String name) {
        if (budget == null) {
            return;
        }
        jdbc.update("insert into key_spend (key_id, period, period_start) values (?, ?, ?) on conflict do nothing",
                keyId, period, Date.valueOf(start));
        int held = jdbc.update("update key_spend set reserved = reserved + ? where key_id = ? and period = ? "
                + "and period_start = ? and spent + reserved + ? <= ?", amount, keyId, period, Date.valueOf(start), amount, budget);
        if (held == 0) {
            throw insufficient("This request would exceed the key's " + name + " budget of $" + plain(budget)
                    + " (may cost up to $" + plain(amount) + ").", name + "_budget_exceeded");
        }
    }

    /**
     * Charges the real cost of a call and releases the rest of its reservation. Idempotent: a request is settled
     * once, whoever asks again (a retried batch, the sweeper) changes nothing. Returns false if there was no
     * open reservation.
     */
    @Transactional
    public boolean settle(String requestId, BigDecimal cost, String reason) {
        List<Map<String, Object>> rows = jdbc.queryForList("update reservations set status = 'settled', settled = ? "
                + "where request_id = ? and status = 'open' returning user_id, key_id, amount, day_start, month_start",
                cost, requestId);
        if (rows.isEmpty()) {
            return false;
        }
        applySettlement(requestId, rows.get(0), cost, reason);
        return true;
    }

    /**
     * Settles reservations left open past their expiry (their replica crashed). A call whose ledger row was
     * written is charged that row's cost; otherwise the whole reserved worst case is charged and an estimated
     * ledger row with outcome {@code expired} records it.
     */
    @Transactional
    public List<Map<String, Object>> expireStale(int limit) {
        List<Map<String, Object>> rows = jdbc.queryForList("select r.request_id, r.user_id, r.key_id, r.amount, "
                + "r.day_start, r.month_start, l.cost as ledger_cost from reservations r "
                + "left join usage_ledger l on l.request_id = r.request_id "
                + "where r.status = 'open' and r.expires_at < now() order by r.expires_at limit ? "
                + "for update of r skip locked", limit);
        for (Map<String, Object> row : rows) {
            String requestId = (String) row.get("request_id");
            BigDecimal ledgerCost = (BigDecimal) row.get("ledger_cost");
            BigDecimal cost = ledgerCost != null ? ledgerCost : (BigDecimal) row.get("amount");
            jdbc.update("update reservations set status = ?, settled = ? where request_id = ?",
                    ledgerCost != null ? "settled" : "expired", cost, requestId);
            applySettlement(requestId, row, cost, ledgerCost != null ? "settled late from the ledger"
                    : "reservation expired without settlement: charged the reserved worst case");
            if (ledgerCost == null) {
                jdbc.update("insert into usage_ledger (request_id, user_id, key_id, operation, cost, estimated, status, outcome) "
                        + "values (?, ?, ?, 'unknown', ?, true, 0, 'expired') on conflict do nothing",
                        requestId, row.get("user_id"), row.get("key_id"), cost);
            }
        }
        return rows;
    }

    private void applySettlement(String requestId, Map<String, Object> reservation, BigDecimal cost, String reason) {
        UUID userId = (UUID) reservation.get("user_id");
        UUID keyId = (UUID) reservation.get("key_id");
        BigDecimal held = (BigDecimal) reservation.get("amount");
        jdbc.update("update wallets set balance = balance - ?, reserved = reserved - ?, updated_at = now() where user_id = ?",
                cost, held, userId);
        if (keyId != null) {
            jdbc.update("update key_spend set spent = spent + ?, reserved = reserved - ? where key_id = ? and period = 'day' "
                    + "and period_start = ?", cost, held, keyId, reservation.get("day_start"));
            jdbc.update("update key_spend set spent = spent + ?, reserved = reserved - ? where key_id = ? and period = 'month' "
                    + "and period_start = ?", cost, held, keyId, reservation.get("month_start"));
        }
        if (cost.signum() != 0) {
            jdbc.update("insert into wallet_transactions (user_id, amount, kind, reason, request_id, actor) "
                    + "values (?, ?, 'charge', ?, ?, 'gateway') on conflict do nothing", userId, cost.negate(), reason, requestId);
        }
    }

    /** A top-up (positive) or an adjustment (either sign), recorded as a wallet transaction with its reason. */
    @Transactional
    public Balance credit(UUID userId, BigDecimal amount, String kind, String reason, String actor) {
        int updated = jdbc.update("update wallets set balance = balance + ?, updated_at = now() where user_id = ?",
                amount, userId);
        if (updated == 0) {
            throw new ApiException(new OpenAiError(404, "No such user: " + userId, OpenAiError.NOT_FOUND, "user_id", "user_not_found"));
        }
        jdbc.update("insert into wallet_transactions (user_id, amount, kind, reason, actor) values (?, ?, ?, ?, ?)",
                userId, amount, kind, reason, actor);
        return balance(userId);
    }

    public Balance balance(UUID userId) {
        return jdbc.query("select balance, reserved from wallets where user_id = ?",
                (rs, n) -> new Balance(userId, rs.getBigDecimal("balance"), rs.getBigDecimal("reserved")), userId)
                .stream().findFirst().orElse(new Balance(userId, BigDecimal.ZERO, BigDecimal.ZERO));
    }

    /** Spent and held amounts of a key in the current day and month. */
    public Map<String, BigDecimal[]> keySpend(UUID keyId) {
        Map<String, BigDecimal[]> spend = new java.util.HashMap<>();
        jdbc.query("select period, spent, reserved from key_spend where key_id = ? and ((period = 'day' and period_start = ?) "
                + "or (period = 'month' and period_start = ?))", rs -> {
                    spend.put(rs.getString("period"), new BigDecimal[] {rs.getBigDecimal("spent"), rs.getBigDecimal("reserved")});
                }, keyId, Date.valueOf(periods.today()), Date.valueOf(periods.monthStart()));
        return spend;
    }

    private static ApiException insufficient(String message, String code) {
        return new ApiException(new OpenAiError(402, message, OpenAiError.INSUFFICIENT_QUOTA, null, code));
    }

    static String plain(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }
}
