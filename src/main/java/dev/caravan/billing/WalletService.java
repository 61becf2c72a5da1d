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

    /** Settles reservations left open past their expiry (their replica crashed): the whole held amount is charged. */
    @Transactional
    public List<Map<String, Object>> expireStale(int limit) {
        List<Map<String, Object>> rows = jdbc.queryForList("update reservations set status = 'expired', settled = amount "
                + "where request_id in (select request_id from reservations where status = 'open' and expires_at < now() "
                + "order by expires_at limit ? for update skip locked) "
                + "returning request_id, user_id, key_id, amount, day_start, month_start", limit);
        for (Map<String, Object> row : rows) {
            applySettlement((String) row.get("request_id"), row, (BigDecimal) row.get("amount"),
                    "reservation expired without settlement: charged the reserved worst case");
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
