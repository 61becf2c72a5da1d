package dev.caravan.billing;

import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call's worst case, held in memory on its replica's credit lease (see {@link CreditLeases}). Closing it
 * gives the hold back to the lease and takes the call's real cost out of it: the ledger then charges that cost
 * to the wallet and draws it from the lease in PostgreSQL. Closing twice changes nothing.
 */
public final class CreditHold {

    /** The exchange property a call's hold travels in, from admission to the usage recorder. */
    public static final String PROPERTY = "caravan.hold";

    private final CreditLeases.Lease lease;
    private final String requestId;
    private final BigDecimal amount;
    private final long takenNanos = System.nanoTime();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Whether its leased_calls row was written (guarded by the lease's lock). */
    boolean listed;

    CreditHold(CreditLeases.Lease lease, String requestId, BigDecimal amount) {
        this.lease = lease;
        this.requestId = requestId;
        this.amount = amount;
    }

    /** The lease the call's charge is drawn from when it is settled. */
    public String leaseId() {
        return lease.id;
    }

    public String requestId() {
        return requestId;
    }

    public BigDecimal amount() {
        return amount;
    }

    long takenNanos() {
        return takenNanos;
    }

    /** Ends the hold: {@code cost} (null or zero when nothing is charged) leaves the lease with the charge. */
    public void close(BigDecimal cost) {
        if (closed.compareAndSet(false, true)) {
            lease.release(this, cost == null ? BigDecimal.ZERO : cost);
        }
    }
}
