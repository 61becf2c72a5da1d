package dev.caravan.billing;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Settles reservations that nobody settled: their replica crashed between reserving and writing the ledger.
 * A call whose ledger row exists is charged what the ledger says; otherwise the reserved worst case is
 * charged (the call may have run in full) and a ledger row marked {@code expired} and estimated is written.
 * Safe with many replicas: rows are claimed with {@code for update skip locked}.
 */
@Component
public class ReservationSweeper {

    private static final Logger LOG = LoggerFactory.getLogger(ReservationSweeper.class);

    private final WalletService wallets;

    public ReservationSweeper(WalletService wallets) {
        this.wallets = wallets;
    }

    @Scheduled(fixedDelayString = "${caravan.billing.sweep-interval:60s}", initialDelayString = "${caravan.billing.sweep-interval:60s}")
    public void sweep() {
        List<String> settled;
        do {
            settled = wallets.expireStale(100);
            if (!settled.isEmpty()) {
                LOG.warn("settled {} reservations, credit leases and leased calls left open past their expiry", settled.size());
            }
        } while (settled.size() >= 100);
    }
}
