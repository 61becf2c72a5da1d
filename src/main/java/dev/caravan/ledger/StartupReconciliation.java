package dev.caravan.ledger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs the {@link Reconciliation} once after each start, in the background (it reads the whole ledger, and
 * must not hold up readiness), and logs what does not add up. Off with
 * {@code caravan.ledger.reconcile-on-startup=false}.
 */
@Component
public class StartupReconciliation {

    private static final Logger LOG = LoggerFactory.getLogger(StartupReconciliation.class);

    private final Reconciliation reconciliation;
    private final boolean enabled;

    public StartupReconciliation(Reconciliation reconciliation,
            @Value("${caravan.ledger.reconcile-on-startup:true}") boolean enabled) {
        this.reconciliation = reconciliation;
        this.enabled = enabled;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void reconcile() {
        if (!enabled) {
            return;
        }
        Thread thread = new Thread(this::report, "caravan-reconcile");
        thread.setDaemon(true);
        thread.start();
    }

    private void report() {
        try {
            Reconciliation.Report report = reconciliation.run();
            if (report.ok()) {
                LOG.info("reconciliation: {} wallets checked, every balance matches its top-ups and ledger charges",
                        report.walletsChecked());
                return;
            }
            LOG.warn("reconciliation: {} of {} wallets do not add up (a crashed replica's calls are settled by the "
                    + "sweeper within caravan.billing.lease-ttl; GET /admin/reconciliation shows the current state)",
                    report.differences().size(), report.walletsChecked());
            report.differences().stream().limit(20).forEach(d -> LOG.warn("reconciliation: {}", d));
        } catch (RuntimeException e) {
            LOG.warn("reconciliation could not run: {}", LedgerFailures.describe(e));
        }
    }
}
