package dev.caravan.billing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.caravan.account.ApiKey;
import dev.caravan.account.Identity;
import dev.caravan.account.KeyStore;
import dev.caravan.openai.ApiException;
import dev.caravan.support.GatewayTestSupport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Credit leases against the real PostgreSQL. Each test drives its own {@link CreditLeases} (no scheduled
 * heartbeat) and settles calls as the ledger would, so what is held, charged and returned is checked step by step.
 */
class CreditLeasesTest extends GatewayTestSupport {

    /** These tests settle through WalletService directly, without ledger rows (see GatewayTestSupport). */
    @Override
    protected boolean chargesGoThroughTheLedger() {
        return false;
    }


    @Autowired
    ReservationSweeper sweeper;

    /** A clock the test moves; starts at noon UTC today. */
    private static final class MovableClock extends Clock {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofHours(12));

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();

    /** Leases sized for {@code callsPerLease} calls, never idle-returned unless {@code idle} says so. */
    private CreditLeases leases(int callsPerLease, Duration idle) {
        return new CreditLeases(wallets, new BudgetPeriods(ZoneOffset.UTC, clock),
                new BillingProperties("UTC", Duration.ofHours(1), callsPerLease, idle, Duration.ofMinutes(2)));
    }

    private Identity identityOf(Account account) {
        ApiKey key = new KeyStore(jdbc).find(account.keyId()).orElseThrow();
        return new Identity(account.userId(), key, false, List.of(), key.prefix());
    }

    /** What the ledger does with an ended call: charge its cost, drawn from its lease. */
    private void settle(Account account, CreditHold hold, String cost) {
        wallets.settleAll(List.of(new WalletService.Settlement(hold.requestId(), account.userId(), account.keyId(),
                new BigDecimal(cost), "test", hold.leaseId())));
    }

    private BigDecimal leaseAmount(String leaseId) {
        return jdbc.queryForObject("select amount from reservations where request_id = ? and lease", BigDecimal.class, leaseId);
    }

    private int leaseRows(UUID userId) {
        return jdbc.queryForObject("select count(*) from reservations where user_id = ?", Integer.class, userId);
    }

    private static String rid() {
        return "call-" + UUID.randomUUID();
    }

    private static BigDecimal money(String amount) {
        return new BigDecimal(amount);
    }

    @Test
    void callsOfOneKeyShareOneLeaseAndAreChargedExactlyTheirCost() {
        Account account = newAccount(money("10.00"), money("8.00"), null);
        Identity identity = identityOf(account);
        CreditLeases leases = leases(4, Duration.ofHours(1));

        CreditHold first = leases.hold(rid(), identity, money("0.50"));
        CreditHold second = leases.hold(rid(), identity, money("0.50"));
        CreditHold third = leases.hold(rid(), identity, money("0.50"));
        // one lease sized for four worst cases, taken in one round trip; the calls did not touch the database
        assertThat(second.leaseId()).isEqualTo(first.leaseId()).isEqualTo(third.leaseId());
        assertThat(leaseRows(account.userId())).isEqualTo(1);
        assertThat(leaseAmount(first.leaseId())).isEqualByComparingTo("2.00");
        assertThat(wallets.balance(account.userId()).reserved()).isEqualByComparingTo("2.00");
        assertThat(wallets.keySpend(account.keyId()).get("day")[1]).isEqualByComparingTo("2.00");

        first.close(money("0.10"));
        settle(account, first, "0.10");
        second.close(money("0.20"));
        settle(account, second, "0.20");
        settle(account, second, "0.20"); // a retried ledger batch changes nothing
        third.close(money("0.30"));
        settle(account, third, "0.30");
        // each charge replaced its part of the lease: spendable is what was paid less what the lease still holds
        assertThat(leaseAmount(first.leaseId())).isEqualByComparingTo("1.40");
        WalletService.Balance balance = wallets.balance(account.userId());
        assertThat(balance.balance()).isEqualByComparingTo("9.40");
        assertThat(balance.reserved()).isEqualByComparingTo("1.40");

        leases.returnAll();
        balance = wallets.balance(account.userId());
        assertThat(balance.balance()).isEqualByComparingTo("9.40");
        assertThat(balance.reserved()).isEqualByComparingTo("0");
        assertThat(leaseRows(account.userId())).isZero();
        BigDecimal[] day = wallets.keySpend(account.keyId()).get("day");
        assertThat(day[0]).isEqualByComparingTo("0.60");
        assertThat(day[1]).isEqualByComparingTo("0");
    }

    @Test
    void aLeaseTakesWhatIsLeftAndRefusesPastItToTheCent() {
        Account account = newAccount(money("1.00"));
        Identity identity = identityOf(account);
        CreditLeases leases = leases(32, Duration.ofHours(1));

        CreditHold first = leases.hold(rid(), identity, money("0.30"));
        leases.hold(rid(), identity, money("0.30"));
        leases.hold(rid(), identity, money("0.30"));
        assertThat(leaseAmount(first.leaseId())).isEqualByComparingTo("1.00");
        assertThatThrownBy(() -> leases.hold(rid(), identity, money("0.30")))
                .isInstanceOfSatisfying(ApiException.class, refused -> {
                    assertThat(refused.error().status()).isEqualTo(402);
                    assertThat(refused.error().code()).isEqualTo("insufficient_credits");
                    // what the wallet has left is free on this replica's lease, not in the database
                    assertThat(refused.error().message()).contains("$0.1 is available");
                });

        // a call ends having cost less than its worst case: what it did not use is spendable at once
        first.close(money("0.05"));
        CreditHold fourth = leases.hold(rid(), identity, money("0.30"));
        assertThat(fourth.leaseId()).isEqualTo(first.leaseId());
        assertThatThrownBy(() -> leases.hold(rid(), identity, money("0.06"))).isInstanceOf(ApiException.class);
        leases.hold(rid(), identity, money("0.05"));
    }

    @Test
    void aDailyBudgetCapsTheLease() {
        Account account = newAccount(money("10.00"), money("0.50"), null);
        Identity identity = identityOf(account);
        CreditLeases leases = leases(32, Duration.ofHours(1));

        CreditHold first = leases.hold(rid(), identity, money("0.20"));
        leases.hold(rid(), identity, money("0.20"));
        assertThat(leaseAmount(first.leaseId())).isEqualByComparingTo("0.50");
        assertThatThrownBy(() -> leases.hold(rid(), identity, money("0.20")))
                .isInstanceOfSatisfying(ApiException.class,
                        refused -> assertThat(refused.error().code()).isEqualTo("daily_budget_exceeded"));
        assertThat(wallets.balance(account.userId()).reserved()).isEqualByComparingTo("0.50");
    }

    @Test
    void anIdleLeaseGoesBackAndANewDayTakesANewLease() {
        Account account = newAccount(money("10.00"), money("5.00"), null);
        Identity identity = identityOf(account);
        CreditLeases leases = leases(4, Duration.ZERO);

        CreditHold yesterday = leases.hold(rid(), identity, money("0.25"));
        clock.now = clock.now.plus(Duration.ofDays(1));
        CreditHold today = leases.hold(rid(), identity, money("0.25"));
        // the budget of a day is held by a lease of that day
        assertThat(today.leaseId()).isNotEqualTo(yesterday.leaseId());
        assertThat(jdbc.queryForList("select day_start from reservations where user_id = ? order by day_start",
                java.sql.Date.class, account.userId())).hasSize(2);

        leases.heartbeat();
        // both still have a call running: nothing goes back, and the calls are listed for a crash
        assertThat(leaseRows(account.userId())).isEqualTo(2);
        assertThat(jdbc.queryForObject("select count(*) from leased_calls where user_id = ?", Integer.class,
                account.userId())).isEqualTo(2);

        yesterday.close(money("0.10"));
        settle(account, yesterday, "0.10");
        today.close(money("0"));
        settle(account, today, "0");
        leases.heartbeat();
        assertThat(leaseRows(account.userId())).isZero();
        assertThat(jdbc.queryForObject("select count(*) from leased_calls where user_id = ?", Integer.class,
                account.userId())).isZero();
        WalletService.Balance balance = wallets.balance(account.userId());
        assertThat(balance.balance()).isEqualByComparingTo("9.90");
        assertThat(balance.reserved()).isEqualByComparingTo("0");
        assertThat(jdbc.queryForObject("select coalesce(sum(reserved), 0) from key_spend where key_id = ?",
                BigDecimal.class, account.keyId())).isEqualByComparingTo("0");
    }

    @Test
    void aCrashedReplicasLeaseIsSettledByTheSweeper() {
        Account account = newAccount(money("10.00"));
        Identity identity = identityOf(account);
        CreditLeases crashed = leases(10, Duration.ofHours(1));

        CreditHold ledgered = crashed.hold(rid(), identity, money("0.50"));
        CreditHold running = crashed.hold(rid(), identity, money("0.50"));
        crashed.heartbeat(); // both calls listed
        // the first call's ledger row was written, then the replica died before settling it; the second never ended
        jdbc.update("insert into usage_ledger (request_id, user_id, operation, cost, status, outcome) "
                + "values (?, ?, 'chat', 0.12, 200, 'completed')", ledgered.requestId(), account.userId());
        jdbc.update("update reservations set expires_at = now() - interval '1 minute' where request_id = ?",
                ledgered.leaseId());

        sweeper.sweep();
        WalletService.Balance balance = wallets.balance(account.userId());
        assertThat(balance.balance()).isEqualByComparingTo("9.38"); // 0.12 from the ledger, 0.50 worst case
        assertThat(balance.reserved()).isEqualByComparingTo("0");
        assertThat(leaseRows(account.userId())).isZero();
        Map<String, Object> expired = jdbc.queryForMap("select cost, estimated, outcome from usage_ledger where request_id = ?",
                running.requestId());
        assertThat((BigDecimal) expired.get("cost")).isEqualByComparingTo("0.50");
        assertThat(expired.get("outcome")).isEqualTo("expired");

        // the replica was only slow after all: its late settlements change nothing
        settle(account, ledgered, "0.12");
        settle(account, running, "0.07");
        assertThat(wallets.balance(account.userId()).balance()).isEqualByComparingTo("9.38");
    }

    @Test
    void aLiveLeaseIsRenewedAndOneTheSweeperTookIsNoLongerSpent() throws Exception {
        Account account = newAccount(money("10.00"));
        Identity identity = identityOf(account);
        CreditLeases leases = new CreditLeases(wallets, new BudgetPeriods(ZoneOffset.UTC, clock),
                new BillingProperties("UTC", Duration.ofHours(1), 4, Duration.ofHours(1), Duration.ofMillis(400)));
        CreditHold hold = leases.hold(rid(), identity, money("0.25"));
        Instant expiry = leaseExpiry(hold.leaseId());

        Thread.sleep(250); // past half of the lease's 400 ms lifetime
        leases.heartbeat();
        assertThat(leaseExpiry(hold.leaseId())).isAfter(expiry);

        // renewals failed for too long (the database was away), and the sweeper took the lease for a dead
        // replica's: it charged the listed call its worst case and returned the rest
        jdbc.update("update reservations set expires_at = now() - interval '1 minute' where request_id = ?", hold.leaseId());
        sweeper.sweep();
        assertThat(leaseRows(account.userId())).isZero();
        Thread.sleep(250);
        leases.heartbeat();
        // this replica notices at its next renewal and stops spending credit PostgreSQL no longer holds for it
        CreditHold next = leases.hold(rid(), identity, money("0.25"));
        assertThat(next.leaseId()).isNotEqualTo(hold.leaseId());
        assertThat(leaseAmount(next.leaseId())).isEqualByComparingTo("1.00");
        assertThat(wallets.balance(account.userId()).balance()).isEqualByComparingTo("9.75");
    }

    @Test
    void aHoldWhoseCallNeverEndedIsReleasedAfterTheReservationTtlAndSweptAsAWorstCase() throws Exception {
        Account account = newAccount(money("10.00"));
        Identity identity = identityOf(account);
        CreditLeases leases = new CreditLeases(wallets, new BudgetPeriods(ZoneOffset.UTC, clock),
                new BillingProperties("UTC", Duration.ofMillis(300), 4, Duration.ZERO, Duration.ofMinutes(2)));
        CreditHold leaked = leases.hold(rid(), identity, money("0.50"));
        leases.heartbeat(); // listed in leased_calls
        Thread.sleep(350);  // past the 300 ms reservation ttl, and the call never ended

        leases.heartbeat(); // the hold is released
        leases.heartbeat(); // the lease, now idle, goes back
        assertThat(leaseRows(account.userId())).isZero();
        assertThat(wallets.balance(account.userId()).reserved()).isEqualByComparingTo("0");
        // the application's sweeper goes by its own reservation-ttl (1 h): age the listed call past it
        jdbc.update("update leased_calls set started_at = now() - interval '2 hours' where request_id = ?",
                leaked.requestId());
        sweeper.sweep();    // a listed call whose lease is gone, older than the ttl: charged its worst case
        assertThat(wallets.balance(account.userId()).balance()).isEqualByComparingTo("9.50");
        assertThat(jdbc.queryForObject("select outcome from usage_ledger where request_id = ?", String.class,
                leaked.requestId())).isEqualTo("expired");
    }

    @Test
    void aRetiredLeaseWithACallStillRunningIsRenewedToo() throws Exception {
        Account account = newAccount(money("10.00"));
        Identity identity = identityOf(account);
        CreditLeases leases = new CreditLeases(wallets, new BudgetPeriods(ZoneOffset.UTC, clock),
                new BillingProperties("UTC", Duration.ofHours(1), 4, Duration.ZERO, Duration.ofMillis(400)));
        // a stream started before midnight: its lease is retired when the first call of the new day comes
        CreditHold stream = leases.hold(rid(), identity, money("0.25"));
        Instant expiry = leaseExpiry(stream.leaseId());
        clock.now = clock.now.plus(Duration.ofDays(1));
        leases.hold(rid(), identity, money("0.25"));

        Thread.sleep(250); // past half of the lease's 400 ms lifetime
        leases.heartbeat();
        // not taken for a dead replica's while the stream runs (the sweeper would charge it its worst case)
        assertThat(leaseExpiry(stream.leaseId())).isAfter(expiry);
    }

    @Test
    void tryHoldTakesCreditLeftInTheLeaseWithoutTheDatabaseAndHoldsExactlyWhatHoldWould() {
        Account account = newAccount(money("10.00"));
        Identity identity = identityOf(account);
        CreditLeases leases = leases(4, Duration.ofHours(1));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        leases.bindTo(meters);

        // no lease yet: taking one needs the database
        assertThat(leases.tryHold(rid(), identity, money("0.50"))).isEmpty();
        assertThat(leaseRows(account.userId())).isZero();

        CreditHold first = leases.hold(rid(), identity, money("0.50"));
        double takes = meters.counter("caravan.credit.lease.takes").count();
        CreditHold second = leases.tryHold(rid(), identity, money("0.50")).orElseThrow();
        CreditHold third = leases.tryHold(rid(), identity, money("0.50")).orElseThrow();
        CreditHold fourth = leases.tryHold(rid(), identity, money("0.50")).orElseThrow();
        // the lease (four worst cases) had room: no round trip took or grew it
        assertThat(meters.counter("caravan.credit.lease.takes").count()).isEqualTo(takes);
        assertThat(List.of(second.leaseId(), third.leaseId(), fourth.leaseId())).containsOnly(first.leaseId());
        assertThat(leaseAmount(first.leaseId())).isEqualByComparingTo("2.00");
        assertThat(second.amount()).isEqualByComparingTo("0.50");

        // the lease is spent: growing it needs the database, and the failed attempt held nothing
        assertThat(leases.tryHold(rid(), identity, money("0.50"))).isEmpty();
        // a call that ended frees what it did not use, exactly: 0.50 held less 0.10 spent
        first.close(money("0.10"));
        settle(account, first, "0.10");
        CreditHold fifth = leases.tryHold(rid(), identity, money("0.40")).orElseThrow();
        assertThat(leases.tryHold(rid(), identity, money("0.01"))).isEmpty();

        // what was held on the fast path is charged and returned as any hold is
        for (CreditHold hold : List.of(second, third, fourth, fifth)) {
            hold.close(money("0.15"));
            settle(account, hold, "0.15");
        }
        leases.returnAll();
        WalletService.Balance balance = wallets.balance(account.userId());
        assertThat(balance.balance()).isEqualByComparingTo("9.30");
        assertThat(balance.reserved()).isEqualByComparingTo("0");
        assertThat(leaseRows(account.userId())).isZero();
    }

    @Test
    void tryHoldLeavesALeaseOfAnotherDayOrOtherBudgetsToHold() {
        Account account = newAccount(money("10.00"), money("5.00"), null);
        Identity identity = identityOf(account);
        CreditLeases leases = leases(4, Duration.ofHours(1));
        leases.hold(rid(), identity, money("0.25"));
        assertThat(leases.tryHold(rid(), identity, money("0.25"))).isPresent();

        ApiKey key = identity.key();
        Identity newBudget = new Identity(identity.userId(), new ApiKey(key.id(), key.userId(), key.name(), key.prefix(),
                key.test(), key.admin(), key.scopes(), key.expiresAt(), key.revokedAt(), key.ipAllowlist(),
                key.allowedReferrers(), money("6.00"), key.monthlyBudget(), key.rateLimitRpm(), key.rateLimitTpm(),
                key.rotatedFrom(), key.createdAt()), false, List.of(), key.prefix());
        assertThat(leases.tryHold(rid(), newBudget, money("0.25"))).isEmpty();
        clock.now = clock.now.plus(Duration.ofDays(1));
        assertThat(leases.tryHold(rid(), identity, money("0.25"))).isEmpty();
    }

    @Test
    void whileALeaseGrowsTryHoldDoesNotWaitForItsLockAndAnEndingCallDoesNotEither() throws Exception {
        Account account = newAccount(money("10.00"));
        Identity identity = identityOf(account);
        CreditLeases leases = leases(4, Duration.ofHours(1));
        CreditHold first = leases.hold(rid(), identity, money("0.50")); // a lease of 2.00, 1.50 free
        ExecutorService others = Executors.newFixedThreadPool(2);
        try (Connection elsewhere = jdbc.getDataSource().getConnection()) {
            // another transaction holds the wallet: growing the lease waits for it, holding the lease's lock
            elsewhere.setAutoCommit(false);
            try (PreparedStatement lock = elsewhere.prepareStatement("select 1 from wallets where user_id = ? for update")) {
                lock.setObject(1, account.userId());
                lock.executeQuery().close();
            }
            Future<CreditHold> growing = others.submit(() -> leases.hold(rid(), identity, money("1.60")));
            await("the lease's growth waiting for the wallet").atMost(Duration.ofSeconds(15)).until(() ->
                    jdbc.queryForObject("select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
                            + "and query like '%take_credit%'", Integer.class) > 0);

            // there is credit free in the lease, but its lock is busy: the fast path does not wait for it
            assertThat(leases.tryHold(rid(), identity, money("0.10"))).isEmpty();
            // and a call that ends meanwhile gives its hold back without waiting for the lock either
            Future<?> ended = others.submit(() -> first.close(money("0.05")));
            await("the ended call's release").atMost(Duration.ofSeconds(15)).until(ended::isDone);
            assertThat(growing.isDone()).isFalse();

            elsewhere.commit();
            CreditHold grown = growing.get(15, TimeUnit.SECONDS);
            assertThat(grown.leaseId()).isEqualTo(first.leaseId());
        } finally {
            others.shutdownNow();
        }
        // the release was applied once the lock was free: the lease grew to 6.90 (four worst cases of 1.60 free
        // besides the 0.50 held), 0.05 was spent, 1.60 is held, so 5.25 is free to the cent
        assertThat(leaseAmount(first.leaseId())).isEqualByComparingTo("6.90");
        assertThat(leases.tryHold(rid(), identity, money("5.25"))).isPresent();
        assertThat(leases.tryHold(rid(), identity, money("0.01"))).isEmpty();
        settle(account, first, "0.05");
        leases.returnAll();
        assertThat(wallets.balance(account.userId()).balance()).isEqualByComparingTo("9.95");
        assertThat(wallets.balance(account.userId()).reserved()).isEqualByComparingTo("0");
    }

    private Instant leaseExpiry(String leaseId) {
        return jdbc.queryForObject("select expires_at from reservations where request_id = ?", java.sql.Timestamp.class,
                leaseId).toInstant();
    }
}
