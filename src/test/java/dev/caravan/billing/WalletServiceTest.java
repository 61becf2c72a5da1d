package dev.caravan.billing;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import dev.caravan.account.ApiKey;
import dev.caravan.account.Identity;
import dev.caravan.openai.ApiException;
import dev.caravan.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reserve-then-settle against the real PostgreSQL: exact decimal arithmetic, idempotence, budgets. */
class WalletServiceTest extends GatewayTestSupport {

    /** These tests settle through WalletService directly, without ledger rows (see GatewayTestSupport). */
    @Override
    protected boolean chargesGoThroughTheLedger() {
        return false;
    }


    @Autowired
    BudgetPeriods periods;
    @Autowired
    ReservationSweeper sweeper;

    private Identity identityOf(Account account) {
        ApiKey key = keyStore().find(account.keyId()).orElseThrow();
        return new Identity(account.userId(), key, false, List.of(), key.prefix());
    }

    private dev.caravan.account.KeyStore keyStore() {
        return new dev.caravan.account.KeyStore(jdbc);
    }

    private static WalletService.Settlement settlement(String request, Account account, String cost) {
        return new WalletService.Settlement(request, account.userId(), account.keyId(), new BigDecimal(cost), "test");
    }

    @Test
    void aCallWhoseReservationWasLostIsStillChargedOnce() {
        Account account = newAccount(new BigDecimal("2.00"));
        String request = rid();
        // no reservation (lost with an unsynchronised commit): the charge is still made, once
        wallets.settle(settlement(request, account, "0.50"));
        wallets.settle(settlement(request, account, "0.50"));
        assertThat(wallets.balance(account.userId()).balance()).isEqualByComparingTo("1.50");
        assertThat(wallets.keySpend(account.keyId()).get("day")[0]).isEqualByComparingTo("0.50");
    }

    @Test
    void theSweeperAndALateSettlementNeverChargeTwice() {
        Account account = newAccount(new BigDecimal("2.00"));
        String request = rid();
        wallets.reserve(request, identityOf(account), new BigDecimal("0.80"));
        jdbc.update("update reservations set expires_at = now() - interval '1 minute' where request_id = ?", request);
        sweeper.sweep();
        // the replica was only slow: its settlement arrives after the sweeper charged the worst case
        wallets.settle(settlement(request, account, "0.10"));
        assertThat(wallets.balance(account.userId()).balance()).isEqualByComparingTo("1.20");
        assertThat(wallets.balance(account.userId()).reserved()).isEqualByComparingTo("0");
    }

    private static String rid() {
        return "test-" + UUID.randomUUID();
    }

    @Test
    void reserveHoldsAndSettleChargesExactlyTheRealCost() {
        Account account = newAccount(new BigDecimal("10.00"));
        Identity identity = identityOf(account);
        String request = rid();

        wallets.reserve(request, identity, new BigDecimal("0.30"));
        WalletService.Balance held = wallets.balance(account.userId());
        assertThat(held.balance()).isEqualByComparingTo("10.00");
        assertThat(held.reserved()).isEqualByComparingTo("0.30");
        assertThat(held.available()).isEqualByComparingTo("9.70");

        wallets.settle(settlement(request, account, "0.12345678"));
        WalletService.Balance settled = wallets.balance(account.userId());
        assertThat(settled.balance()).isEqualByComparingTo("9.87654322");
        assertThat(settled.reserved()).isEqualByComparingTo("0");

        // settling again (a retried ledger batch, the sweeper) changes nothing
        wallets.settle(settlement(request, account, "0.12345678"));
        assertThat(wallets.balance(account.userId()).balance()).isEqualByComparingTo("9.87654322");
        Integer charges = jdbc.queryForObject("select count(*) from wallet_transactions where request_id = ? and kind = 'charge'",
                Integer.class, request);
        assertThat(charges).isEqualTo(1);
    }

    @Test
    void centsAddUpExactlyOverManyCalls() {
        Account account = newAccount(new BigDecimal("1.00"));
        Identity identity = identityOf(account);
        for (int i = 0; i < 100; i++) {
            String request = rid();
            wallets.reserve(request, identity, new BigDecimal("0.01"));
            wallets.settle(settlement(request, account, "0.0099"));
        }
        // 1.00 - 100 x 0.0099 = 0.01, with no floating-point drift
        assertThat(wallets.balance(account.userId()).balance()).isEqualByComparingTo("0.01");
        assertThat(wallets.balance(account.userId()).reserved()).isEqualByComparingTo("0");
    }

    @Test
    void reservationBeyondTheAvailableBalanceIs402() {
        Account account = newAccount(new BigDecimal("1.00"));
        Identity identity = identityOf(account);
        wallets.reserve(rid(), identity, new BigDecimal("0.60"));
        assertThatThrownBy(() -> wallets.reserve(rid(), identity, new BigDecimal("0.40000001")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(402);
                    assertThat(e.error().type()).isEqualTo("insufficient_quota");
                    assertThat(e.error().code()).isEqualTo("insufficient_credits");
                });
        // exactly the rest still fits
        wallets.reserve(rid(), identity, new BigDecimal("0.40"));
        assertThat(wallets.balance(account.userId()).available()).isEqualByComparingTo("0");
    }

    @Test
    void dailyBudgetBoundaryIsInclusiveAndNamedInTheRefusal() {
        Account account = newAccount(new BigDecimal("100"), new BigDecimal("1.00"), null);
        Identity identity = identityOf(account);
        String first = rid();
        wallets.reserve(first, identity, new BigDecimal("0.75"));
        wallets.settle(settlement(first, account, "0.75"));
        wallets.reserve(rid(), identity, new BigDecimal("0.25"));
        assertThatThrownBy(() -> wallets.reserve(rid(), identity, new BigDecimal("0.00000001")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(402);
                    assertThat(e.error().code()).isEqualTo("daily_budget_exceeded");
                    assertThat(e.error().message()).contains("daily budget");
                });
        // the refused reservation held nothing in the wallet either (one transaction)
        assertThat(wallets.balance(account.userId()).reserved()).isEqualByComparingTo("0.25");
    }

    @Test
    void monthlyBudgetIsCheckedAcrossDays() {
        Account account = newAccount(new BigDecimal("100"), null, new BigDecimal("5.00"));
        // 4.50 already spent earlier this month (another day)
        jdbc.update("insert into key_spend (key_id, period, period_start, spent) values (?, 'month', ?, 4.50)",
                account.keyId(), Date.valueOf(periods.monthStart()));
        Identity identity = identityOf(account);
        wallets.reserve(rid(), identity, new BigDecimal("0.50"));
        assertThatThrownBy(() -> wallets.reserve(rid(), identity, new BigDecimal("0.01")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error().code()).isEqualTo("monthly_budget_exceeded"));
    }

    @Test
    void yesterdaysSpendDoesNotCountTowardsToday() {
        Account account = newAccount(new BigDecimal("100"), new BigDecimal("1.00"), null);
        LocalDate yesterday = periods.today().minusDays(1);
        jdbc.update("insert into key_spend (key_id, period, period_start, spent) values (?, 'day', ?, 1.00)",
                account.keyId(), Date.valueOf(yesterday));
        wallets.reserve(rid(), identityOf(account), new BigDecimal("1.00"));
        assertThat(wallets.keySpend(account.keyId()).get("day")[1]).isEqualByComparingTo("1.00");
    }

    @Test
    void sweeperChargesAbandonedReservationsConservativelyOrFromTheLedger() {
        Account account = newAccount(new BigDecimal("10.00"));
        Identity identity = identityOf(account);
        String crashed = rid();
        String ledgered = rid();
        wallets.reserve(crashed, identity, new BigDecimal("0.50"));
        wallets.reserve(ledgered, identity, new BigDecimal("0.50"));
        jdbc.update("insert into usage_ledger (request_id, user_id, operation, cost, status, outcome) values (?, ?, 'chat', 0.02, 200, 'completed')",
                ledgered, account.userId());
        jdbc.update("update reservations set expires_at = now() - interval '1 minute' where request_id in (?, ?)", crashed, ledgered);

        sweeper.sweep();

        // 10.00 - 0.50 (worst case of the call nobody settled) - 0.02 (what the ledger says the other cost)
        WalletService.Balance balance = wallets.balance(account.userId());
        assertThat(balance.balance()).isEqualByComparingTo("9.48");
        assertThat(balance.reserved()).isEqualByComparingTo("0");
        assertThat(jdbc.queryForObject("select outcome from usage_ledger where request_id = ?", String.class, crashed))
                .isEqualTo("expired");
        assertThat(jdbc.queryForObject("select estimated from usage_ledger where request_id = ?", Boolean.class, crashed)).isTrue();
    }

    @Test
    void settlingReleasesOnlyTheBudgetPeriodsThatWereHeld() {
        // a daily budget and no monthly one: the month row is charged but never held, so it must not be released
        Account account = newAccount(new BigDecimal("100"), new BigDecimal("10.00"), null);
        Identity identity = identityOf(account);
        for (int i = 0; i < 3; i++) {
            String request = rid();
            wallets.reserve(request, identity, new BigDecimal("1.00"));
            wallets.settle(settlement(request, account, "0.25"));
        }
        assertThat(wallets.keySpend(account.keyId()).get("day")[0]).isEqualByComparingTo("0.75");
        assertThat(wallets.keySpend(account.keyId()).get("day")[1]).isEqualByComparingTo("0");
        assertThat(wallets.keySpend(account.keyId()).get("month")[0]).isEqualByComparingTo("0.75");
        assertThat(wallets.keySpend(account.keyId()).get("month")[1]).isEqualByComparingTo("0");
    }

    @Test
    void aRefusedBudgetHoldsNothingAnywhere() {
        Account account = newAccount(new BigDecimal("100"), new BigDecimal("10.00"), new BigDecimal("1.00"));
        Identity identity = identityOf(account);
        // the wallet and the daily budget could cover it, the monthly one cannot: nothing may stay held
        assertThatThrownBy(() -> wallets.reserve(rid(), identity, new BigDecimal("2.00")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(402);
                    assertThat(e.error().code()).isEqualTo("monthly_budget_exceeded");
                    assertThat(e.error().message()).contains("monthly budget of $1");
                });
        assertThat(wallets.balance(account.userId()).reserved()).isEqualByComparingTo("0");
        assertThat(jdbc.queryForObject("select coalesce(sum(reserved), 0) from key_spend where key_id = ?",
                BigDecimal.class, account.keyId())).isEqualByComparingTo("0");
        assertThat(jdbc.queryForObject("select count(*) from reservations where key_id = ?", Integer.class,
                account.keyId())).isZero();
    }

    @Test
    void aBatchOfOneUsersCallsIsSettledExactlyInOneStatement() {
        Account account = newAccount(new BigDecimal("10.00"), new BigDecimal("5.00"), null);
        Identity identity = identityOf(account);
        List<WalletService.Settlement> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String request = rid();
            wallets.reserve(request, identity, new BigDecimal("0.05"));
            batch.add(settlement(request, account, "0.01"));
        }
        // a call whose hold was lost, and a retried settlement of one already in the batch
        batch.add(settlement(rid(), account, "0.50"));
        batch.add(batch.get(0));
        wallets.settleAll(batch);
        wallets.settleAll(batch);

        WalletService.Balance balance = wallets.balance(account.userId());
        assertThat(balance.balance()).isEqualByComparingTo("9.00");   // 10 - 50 x 0.01 - 0.50
        assertThat(balance.reserved()).isEqualByComparingTo("0");
        assertThat(wallets.keySpend(account.keyId()).get("day")[0]).isEqualByComparingTo("1.00");
        assertThat(wallets.keySpend(account.keyId()).get("day")[1]).isEqualByComparingTo("0");
        assertThat(jdbc.queryForObject("select count(*) from wallet_transactions where user_id = ? and kind = 'charge'",
                Integer.class, account.userId())).isEqualTo(51);
    }
}
