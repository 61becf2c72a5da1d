package dev.caravan.billing;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.caravan.account.ApiKey;
import dev.caravan.account.Identity;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.OpenAiError;
import org.postgresql.util.PSQLException;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Credits: a call's worst-case cost is reserved before it runs and settled on its real cost after. A
 * reservation is one conditional UPDATE of the wallet row ({@code balance - reserved >= amount}), so
 * concurrent calls of one user queue on that row and can never together spend more than the balance. The
 * key's daily and monthly budgets are held the same way, in the same statement. Both halves are database
 * functions ({@code reserve_call}, {@code settle_calls} in the V2 migration) so a reservation costs one round
 * trip and a whole ledger batch is settled by one statement.
 */
@Service
public class WalletService {

    /** The SQLSTATE reserve_call raises when the wallet or a budget cannot cover a call. */
    private static final String REFUSED = "CV402";

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

    /** Holds {@code amount} for one call as its own reservation, or refuses it with 402. One round trip. */
    public void reserve(String requestId, Identity identity, BigDecimal amount) {
        try {
            takeCredit(requestId, false, identity, periods.today(), amount, amount,
                    Instant.now().plus(properties.ttl()));
        } catch (DataAccessException e) {
            throw refusal(e, identity, amount, BigDecimal.ZERO);
        }
    }

    /**
     * Grows credit lease {@code leaseId} (creating it) by {@code want}, or by as much as the wallet and budgets
     * have room for but at least {@code need}; returns what was granted. Refusals are thrown as they come from
     * the database: {@link #refusalWithLease} turns them into the client's 402.
     */
    public BigDecimal takeLease(String leaseId, Identity identity, LocalDate day, BigDecimal need, BigDecimal want,
            Instant expiresAt) {
        return takeCredit(leaseId, true, identity, day, need, want, expiresAt);
    }

    private BigDecimal takeCredit(String id, boolean lease, Identity identity, LocalDate day, BigDecimal need,
            BigDecimal want, Instant expiresAt) {
        ApiKey key = identity.key();
        // take_credit (V3 migration) commits without waiting for the disk: see the comment there
        return jdbc.queryForObject("select take_credit(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", BigDecimal.class, id, lease,
                identity.userId(), identity.keyId(), need, want, Date.valueOf(day), Date.valueOf(day.withDayOfMonth(1)),
                key == null ? null : key.dailyBudget(), key == null ? null : key.monthlyBudget(),
                Timestamp.from(expiresAt));
    }

    /** The 402 for a call that its lease, grown as far as the database allowed, cannot cover. */
    RuntimeException refusalWithLease(RuntimeException e, Identity identity, BigDecimal amount, BigDecimal leaseFree) {
        return e instanceof DataAccessException dae ? refusal(dae, identity, amount, leaseFree) : e;
    }

    private RuntimeException refusal(DataAccessException e, Identity identity, BigDecimal amount, BigDecimal leaseFree) {
        if (!(e.getMostSpecificCause() instanceof SQLException sql) || !REFUSED.equals(sql.getSQLState())) {
            return e;
        }
        String code = sql instanceof PSQLException psql && psql.getServerErrorMessage() != null
                ? psql.getServerErrorMessage().getMessage() : "insufficient_credits";
        return switch (code) {
            case "daily_budget_exceeded" -> insufficient("This request would exceed the key's daily budget of $"
                    + plain(identity.key().dailyBudget()) + " (may cost up to $" + plain(amount) + ").", code);
            case "monthly_budget_exceeded" -> insufficient("This request would exceed the key's monthly budget of $"
                    + plain(identity.key().monthlyBudget()) + " (may cost up to $" + plain(amount) + ").", code);
            default -> insufficient("Insufficient credits: this request may cost up to $" + plain(amount) + " but $"
                    + plain(balance(identity.userId()).available().add(leaseFree)) + " is available. Top up the wallet or lower max_tokens.",
                    "insufficient_credits");
        };
    }

    /**
     * A finished call to settle: who pays, what it really cost, and the credit lease its hold was on (null for a
     * call with its own reservation, and for a lease being returned).
     */
    public record Settlement(String requestId, UUID userId, UUID keyId, BigDecimal cost, String reason, String leaseId) {
        public Settlement(String requestId, UUID userId, UUID keyId, BigDecimal cost, String reason) {
            this(requestId, userId, keyId, cost, reason, null);
        }
    }

    /**
     * Charges the real cost of a call and releases its reservation. Idempotent on both halves: the reservation is
     * released only while it is still open, and a request is charged at most once (a unique index on the charge
     * per request id), so a retried batch or a late sweeper changes nothing. The charge does not need the
     * reservation to exist (see {@link #reserve}).
     */
    public void settle(Settlement settlement) {
        settleAll(List.of(settlement));
    }

    /** Settles a ledger batch in one statement (atomic on its own) and one durable commit. */
    public void settleAll(List<Settlement> settlements) {
        if (settlements.isEmpty()) {
            return;
        }
        int n = settlements.size();
        String[] requestIds = new String[n];
        UUID[] userIds = new UUID[n];
        UUID[] keyIds = new UUID[n];
        BigDecimal[] costs = new BigDecimal[n];
        String[] reasons = new String[n];
        String[] leaseIds = new String[n];
        for (int i = 0; i < n; i++) {
            Settlement s = settlements.get(i);
            requestIds[i] = s.requestId();
            userIds[i] = s.userId();
            keyIds[i] = s.keyId();
            costs[i] = s.cost();
            reasons[i] = s.reason();
            leaseIds[i] = s.leaseId();
        }
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "select settle_calls(?, ?, ?, ?, ?, ?, ?, ?)")) {
                statement.setArray(1, connection.createArrayOf("text", requestIds));
                statement.setArray(2, connection.createArrayOf("uuid", userIds));
                statement.setArray(3, connection.createArrayOf("uuid", keyIds));
                statement.setArray(4, connection.createArrayOf("numeric", costs));
                statement.setArray(5, connection.createArrayOf("text", reasons));
                statement.setArray(6, connection.createArrayOf("text", leaseIds));
                statement.setDate(7, Date.valueOf(periods.today()));
                statement.setDate(8, Date.valueOf(periods.monthStart()));
                statement.execute();
            }
            return null;
        });
    }

    /**
     * Settles what replicas left behind (they crashed): reservations and credit leases past their expiry, and
     * leased calls whose lease is gone for longer than a reservation may live. A call whose ledger row was
     * written is charged that row's cost; otherwise the whole reserved worst case is charged and an estimated
     * ledger row with outcome {@code expired} records it. An expired lease is then returned. Returns what was
     * settled.
     */
    @Transactional
    public List<String> expireStale(int limit) {
        List<String> settled = new java.util.ArrayList<>();
        List<Map<String, Object>> expired = jdbc.queryForList("select r.request_id, r.user_id, r.key_id, r.amount, r.lease, "
                + "l.cost as ledger_cost from reservations r left join usage_ledger l on l.request_id = r.request_id "
                + "where r.expires_at < now() order by r.expires_at limit ? for update of r skip locked", limit);
        for (Map<String, Object> row : expired) {
            String id = (String) row.get("request_id");
            if ((Boolean) row.get("lease")) {
                chargeAbandoned(jdbc.queryForList(LEASED_CALLS + "where c.lease_id = ?", id), id);
                settleAll(List.of(new Settlement(id, (UUID) row.get("user_id"), (UUID) row.get("key_id"), BigDecimal.ZERO,
                        "credit lease expired: returned")));
            } else {
                chargeAbandoned(List.of(row), null);
            }
            settled.add(id);
        }
        List<Map<String, Object>> orphans = jdbc.queryForList(LEASED_CALLS + "where c.started_at < ? and not exists "
                + "(select 1 from reservations r where r.request_id = c.lease_id) limit ? for update of c skip locked",
                Timestamp.from(Instant.now().minus(properties.ttl())), limit);
        chargeAbandoned(orphans, null);
        orphans.forEach(row -> settled.add((String) row.get("request_id")));
        return settled;
    }

    private static final String LEASED_CALLS = "select c.request_id, c.user_id, c.key_id, c.amount, l.cost as ledger_cost "
            + "from leased_calls c left join usage_ledger l on l.request_id = c.request_id ";

    /** Charges calls nobody settled: their ledger cost, else their worst case with an {@code expired} ledger row. */
    private void chargeAbandoned(List<Map<String, Object>> calls, String leaseId) {
        for (Map<String, Object> row : calls) {
            String requestId = (String) row.get("request_id");
            UUID userId = (UUID) row.get("user_id");
            UUID keyId = (UUID) row.get("key_id");
            BigDecimal ledgerCost = (BigDecimal) row.get("ledger_cost");
            BigDecimal cost = ledgerCost != null ? ledgerCost : (BigDecimal) row.get("amount");
            settleAll(List.of(new Settlement(requestId, userId, keyId, cost, ledgerCost != null
                    ? "settled late from the ledger"
                    : "reservation expired without settlement: charged the reserved worst case", leaseId)));
            if (ledgerCost == null) {
                jdbc.update("insert into usage_ledger (request_id, user_id, key_id, operation, cost, estimated, status, outcome) "
                        + "values (?, ?, ?, 'unknown', ?, true, 0, 'expired') on conflict do nothing",
                        requestId, userId, keyId, cost);
            }
        }
    }

    /** Lists calls running on credit leases, for the sweeper to charge if their replica dies before the ledger. */
    public void listLeasedCalls(List<CreditHold> holds) {
        if (holds.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("insert into leased_calls (request_id, lease_id, user_id, key_id, amount) "
                + "select ?, ?, user_id, key_id, ? from reservations where request_id = ? on conflict do nothing",
                holds, holds.size(), (statement, hold) -> {
                    statement.setString(1, hold.requestId());
                    statement.setString(2, hold.leaseId());
                    statement.setBigDecimal(3, hold.amount());
                    statement.setString(4, hold.leaseId());
                });
    }

    /**
     * Moves the expiry of live leases forward (a lease not renewed is taken for a crashed replica's); returns the
     * ids of those that were still there.
     */
    public java.util.Set<String> renewLeases(List<String> leaseIds, Instant expiresAt) {
        if (leaseIds.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(jdbc.queryForList("update reservations set expires_at = ? where request_id = any(?) "
                + "returning request_id", String.class, Timestamp.from(expiresAt), leaseIds.toArray(String[]::new)));
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
