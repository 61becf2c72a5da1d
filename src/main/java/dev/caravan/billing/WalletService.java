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
        // A reservation only guards admission; the charge is made by settle(), which needs no reservation to
        // exist. So this commit need not wait for the disk: on a database crash the worst loss is a few
        // reservations, never a charge. It keeps the hot path at one round trip's latency.
        jdbc.execute("set local synchronous_commit to off");
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

    /** A finished call to settle: who pays, and what it really cost. */
    public record Settlement(String requestId, UUID userId, UUID keyId, BigDecimal cost, String reason) {
    }

    /**
     * Charges the real cost of a call and releases its reservation. Idempotent on both halves: the reservation is
     * released only while it is still open, and a request is charged at most once (a unique index on the charge
     * per request id), so a retried batch or a late sweeper changes nothing. The charge does not need the
     * reservation to exist (see {@link #reserve}).
     */
    @Transactional
    public void settle(Settlement settlement) {
        List<Map<String, Object>> rows = jdbc.queryForList("update reservations set status = 'settled', settled = ? "
                + "where request_id = ? and status = 'open' returning key_id, amount, day_start, month_start",
                settlement.cost(), settlement.requestId());
        LocalDate day = periods.today();
        LocalDate month = periods.monthStart();
        if (!rows.isEmpty()) {
            Map<String, Object> reservation = rows.get(0);
            day = ((Date) reservation.get("day_start")).toLocalDate();
            month = ((Date) reservation.get("month_start")).toLocalDate();
            release(settlement.userId(), (UUID) reservation.get("key_id"), (BigDecimal) reservation.get("amount"), day, month);
        }
        charge(settlement.requestId(), settlement.userId(), settlement.keyId(), settlement.cost(), settlement.reason(), day, month);
    }

    /** Settles a batch in one transaction (one commit for the whole ledger batch). */
    @Transactional
    public void settleAll(List<Settlement> settlements) {
        for (Settlement settlement : settlements) {
            settle(settlement);
        }
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
            UUID userId = (UUID) row.get("user_id");
            UUID keyId = (UUID) row.get("key_id");
            BigDecimal ledgerCost = (BigDecimal) row.get("ledger_cost");
            BigDecimal cost = ledgerCost != null ? ledgerCost : (BigDecimal) row.get("amount");
            LocalDate day = ((Date) row.get("day_start")).toLocalDate();
            LocalDate month = ((Date) row.get("month_start")).toLocalDate();
            jdbc.update("update reservations set status = ?, settled = ? where request_id = ?",
                    ledgerCost != null ? "settled" : "expired", cost, requestId);
            release(userId, keyId, (BigDecimal) row.get("amount"), day, month);
            charge(requestId, userId, keyId, cost, ledgerCost != null ? "settled late from the ledger"
                    : "reservation expired without settlement: charged the reserved worst case", day, month);
            if (ledgerCost == null) {
                jdbc.update("insert into usage_ledger (request_id, user_id, key_id, operation, cost, estimated, status, outcome) "
                        + "values (?, ?, ?, 'unknown', ?, true, 0, 'expired') on conflict do nothing",
                        requestId, userId, keyId, cost);
            }
        }
        return rows;
    }

    private void release(UUID userId, UUID keyId, BigDecimal held, LocalDate day, LocalDate month) {
        jdbc.update("update wallets set reserved = reserved - ?, updated_at = now() where user_id = ?", held, userId);
        if (keyId != null) {
            jdbc.update("update key_spend set reserved = reserved - ? where key_id = ? and ((period = 'day' and period_start = ?) "
                    + "or (period = 'month' and period_start = ?))", held, keyId, Date.valueOf(day), Date.valueOf(month));
        }
    }

    private void charge(String requestId, UUID userId, UUID keyId, BigDecimal cost, String reason, LocalDate day,
            LocalDate month) {
        if (cost.signum() == 0) {
            return;
        }
        int charged = jdbc.update("insert into wallet_transactions (user_id, amount, kind, reason, request_id, actor) "
                + "values (?, ?, 'charge', ?, ?, 'gateway') on conflict do nothing", userId, cost.negate(), reason, requestId);
        if (charged == 0) {
            return;
        }
        jdbc.update("update wallets set balance = balance - ?, updated_at = now() where user_id = ?", cost, userId);
        if (keyId != null) {
            for (String period : List.of("day", "month")) {
                Date start = Date.valueOf(period.equals("day") ? day : month);
                jdbc.update("insert into key_spend (key_id, period, period_start, spent) values (?, ?, ?, ?) "
                        + "on conflict (key_id, period, period_start) do update set spent = key_spend.spent + excluded.spent",
                        keyId, period, start, cost);
            }
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
