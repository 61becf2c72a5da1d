package dev.caravan.ledger;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Checks that the money adds up, wallet by wallet: the balance equals the top-ups and adjustments minus the
 * ledger's costs (dead letters that were charged count as ledger rows), each charge matches its ledger row,
 * and what a wallet holds equals its open reservations and credit leases. A call whose ledger row is written
 * and whose settlement is still on its way shows as a difference until it is settled (a batch takes
 * milliseconds; a crashed replica's calls wait for the sweeper), so a difference that a second run no longer
 * shows was in flight.
 */
@Component
public class Reconciliation {

    /** One wallet whose books do not add up. */
    public record Difference(UUID userId, BigDecimal balance, BigDecimal expectedBalance, BigDecimal reserved,
            BigDecimal held, long chargedWithoutRecord, long recordedWithoutCharge, long chargedOtherThanRecorded) {
    }

    public record Report(long walletsChecked, List<Difference> differences) {
        public boolean ok() {
            return differences.isEmpty();
        }
    }

    private static final String CHECK = """
            with records as (
                select request_id, user_id, cost from usage_ledger where cost <> 0 and user_id is not null
                union all
                select d.request_id, d.user_id, d.cost from ledger_dead_letters d
                    where d.charged and d.replayed_at is null and d.cost <> 0
                    and not exists (select 1 from usage_ledger l where l.request_id = d.request_id)
            ), charges as (
                select request_id, user_id, -amount as cost from wallet_transactions where kind = 'charge'
            ), calls as (
                select coalesce(c.user_id, r.user_id) as user_id,
                       count(*) filter (where r.request_id is null) as charged_without_record,
                       count(*) filter (where c.request_id is null) as recorded_without_charge,
                       count(*) filter (where c.cost <> r.cost) as charged_other_than_recorded
                    from charges c full join records r on r.request_id = c.request_id
                    group by 1
            ), credits as (
                select user_id, sum(amount) as credited from wallet_transactions
                    where kind in ('topup', 'adjustment') group by user_id
            ), recorded as (
                select user_id, sum(cost) as cost from records group by user_id
            ), held as (
                select user_id, sum(amount) as held from reservations group by user_id
            )
            select w.user_id, w.balance, coalesce(cr.credited, 0) - coalesce(rc.cost, 0) as expected_balance,
                   w.reserved, coalesce(h.held, 0) as held,
                   coalesce(ca.charged_without_record, 0) as charged_without_record,
                   coalesce(ca.recorded_without_charge, 0) as recorded_without_charge,
                   coalesce(ca.charged_other_than_recorded, 0) as charged_other_than_recorded,
                   count(*) over () as wallets
                from wallets w
                left join credits cr using (user_id)
                left join recorded rc using (user_id)
                left join held h using (user_id)
                left join calls ca using (user_id)
            """;

    private final JdbcTemplate jdbc;

    public Reconciliation(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Report run() {
        long[] wallets = {0};
        List<Difference> differences = jdbc.query(CHECK, (rs, n) -> {
            wallets[0] = rs.getLong("wallets");
            return new Difference(rs.getObject("user_id", UUID.class), rs.getBigDecimal("balance"),
                    rs.getBigDecimal("expected_balance"), rs.getBigDecimal("reserved"), rs.getBigDecimal("held"),
                    rs.getLong("charged_without_record"), rs.getLong("recorded_without_charge"),
                    rs.getLong("charged_other_than_recorded"));
        }).stream().filter(Reconciliation::differs).toList();
        return new Report(wallets[0], differences);
    }

    private static boolean differs(Difference d) {
        return d.balance().compareTo(d.expectedBalance()) != 0 || d.reserved().compareTo(d.held()) != 0
                || d.chargedWithoutRecord() + d.recordedWithoutCharge() + d.chargedOtherThanRecorded() > 0;
    }
}
