package dev.caravan.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

import dev.caravan.account.ApiKey;
import dev.caravan.account.Identity;
import dev.caravan.call.RequestIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Credit leases: a call's worst case is held in memory, on credit this replica holds in PostgreSQL for many
 * calls of the same key at once. A call so waits for the database only when its key's lease must grow (about
 * once per {@code lease-calls} worst cases spent); before, every call made a round trip to hold its credit, which
 * cost about as much CPU as the whole gateway and queued bursts of calls behind the connection pool.
 *
 * <p>Exactness is kept: a lease is a reservation of the wallet and the key's budgets (so replicas together can
 * never hold more than there is), a call runs only on a hold that fits in its lease, and the ledger charges each
 * call its real cost and draws that cost from the lease. What a lease still holds goes back to the wallet when
 * the lease has been idle for {@code lease-idle}, when the day changes and on shutdown. A lease grows to
 * {@code lease-calls} worst cases when the wallet has room, else to what there is, so a wallet close to empty
 * is spent to the last cent as with one hold per call.
 *
 * <p>A crash loses no money that was spent: calls running for more than a heartbeat are listed in
 * {@code leased_calls}, and a lease that is not renewed expires; the sweeper then charges the listed calls (their
 * ledger cost, else their worst case) and returns the rest. Only calls that started and ended within the last
 * heartbeat and ledger batch before a kill (a fraction of a second) can go uncharged.
 */
@Component
public class CreditLeases implements MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(CreditLeases.class);

    /** Who a lease is for: leases are per key (budgets are per key), or per user for a call without a key. */
    private record Holder(UUID userId, UUID keyId) {
    }

    private final WalletService wallets;
    private final BudgetPeriods periods;
    private final BillingProperties properties;
    private final Map<Holder, Lease> leases = new ConcurrentHashMap<>();
    /** Leases replaced (a new day, new budgets) that still have calls running; returned when these end. */
    private final Queue<Lease> retired = new ConcurrentLinkedQueue<>();

    /** Counts the database round trips that took or grew a lease (null until bound to a registry). */
    private volatile Counter takes;

    public CreditLeases(WalletService wallets, BudgetPeriods periods, BillingProperties properties) {
        this.wallets = wallets;
        this.periods = periods;
        this.properties = properties;
    }

    /** Metrics: how many leases this replica holds, the credit in them, and how often one was taken or grown. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("caravan.credit.leases", leases, Map::size)
                .description("credit leases this replica holds: one per key with recent calls").register(registry);
        Gauge.builder("caravan.credit.leased", this, CreditLeases::leasedCredit).baseUnit("usd")
                .description("credit this replica's leases hold in the wallets, not yet charged").register(registry);
        takes = Counter.builder("caravan.credit.lease.takes")
                .description("database round trips that took or grew a credit lease").register(registry);
    }

    private double leasedCredit() {
        double total = 0;
        for (Lease lease : leases.values()) {
            total += lease.granted.doubleValue();
        }
        return total;
    }

    /**
     * Holds {@code amount} for a call on its key's lease, growing the lease first when it is short. Refuses the
     * call with 402 (as {@link WalletService#reserve} does) when the wallet or a budget cannot cover it.
     */
    public CreditHold hold(String requestId, Identity identity, BigDecimal amount) {
        Holder holder = new Holder(identity.userId(), identity.keyId());
        while (true) {
            Lease lease = leases.computeIfAbsent(holder, h -> newLease(identity));
            lease.enter();
            try {
                if (lease.closed) {
                    continue; // returned meanwhile: take a fresh one
                }
                if (!lease.fits(identity, periods.today())) {
                    retire(holder, lease);
                    continue;
                }
                if (lease.free().compareTo(amount) < 0) {
                    grow(lease, identity, amount);
                }
                return lease.take(requestId, amount);
            } finally {
                lease.exit();
            }
        }
    }

    /**
     * Holds {@code amount} as {@link #hold} does, if that needs neither the database nor waiting for another
     * thread: the key's lease is there, of today and of the key's current budgets, has {@code amount} free, and
     * its lock is free (it is held across a database round trip while the lease grows). Empty otherwise, having
     * held nothing: {@link #hold} then does the rest, and refuses a call that cannot be covered. A hold taken
     * here is the very hold that {@link #hold} would have taken.
     */
    public Optional<CreditHold> tryHold(String requestId, Identity identity, BigDecimal amount) {
        Lease lease = leases.get(new Holder(identity.userId(), identity.keyId()));
        if (lease == null || !lease.tryEnter()) {
            return Optional.empty();
        }
        try {
            if (lease.closed || !lease.fits(identity, periods.today()) || lease.free().compareTo(amount) < 0) {
                return Optional.empty();
            }
            return Optional.of(lease.take(requestId, amount));
        } finally {
            lease.exit();
        }
    }

    /**
     * Opens a lease of {@code credit} that exists only in this process: never taken from a wallet, renewed or
     * returned (nothing of it is in PostgreSQL). For the warm-up's caller, whose calls then take and release their
     * holds exactly as a tenant's do. It goes away as any lease does, once idle.
     */
    public void openLocalLease(Identity identity, BigDecimal credit) {
        Lease lease = newLease(identity);
        lease.granted = credit;
        lease.local = true;
        leases.put(new Holder(identity.userId(), identity.keyId()), lease);
    }

    /** Closes a lease opened by {@link #openLocalLease}; a hold still open on it is simply dropped. */
    public void closeLocalLease(Identity identity) {
        Lease lease = leases.remove(new Holder(identity.userId(), identity.keyId()));
        if (lease != null) {
            lease.enter();
            try {
                lease.closed = true;
            } finally {
                lease.exit();
            }
        }
    }

    private Lease newLease(Identity identity) {
        ApiKey key = identity.key();
        return new Lease("lease-" + RequestIds.newId(), identity.userId(), identity.keyId(), periods.today(),
                key == null ? null : key.dailyBudget(), key == null ? null : key.monthlyBudget());
    }

    /** Adds credit to the lease so that {@code amount} fits; called under the lease's lock. */
    private void grow(Lease lease, Identity identity, BigDecimal amount) {
        BigDecimal need = amount.subtract(lease.free());
        // free after growing: lease-calls worst cases, or twice what is running when more run at once, so that a
        // burst of calls grows its lease a few times rather than once per lease-calls calls
        BigDecimal target = amount.multiply(BigDecimal.valueOf(properties.callsPerLease()))
                .max(lease.held.add(amount).multiply(BigDecimal.valueOf(2)));
        BigDecimal want = target.subtract(lease.free());
        try {
            Counter counter = takes;
            if (counter != null) {
                counter.increment();
            }
            BigDecimal granted = wallets.takeLease(lease.id, identity, lease.day, need, want, expiry());
            lease.granted = lease.granted.add(granted);
            lease.everGranted = true;
            lease.renewedAt = System.nanoTime();
        } catch (RuntimeException refused) {
            // the 402 says what is available to this key: what PostgreSQL has left plus what this lease holds free
            throw wallets.refusalWithLease(refused, identity, amount, lease.free());
        }
    }

    private void retire(Holder holder, Lease lease) {
        leases.remove(holder, lease);
        lease.closed = true;
        retired.add(lease);
    }

    private Instant expiry() {
        return Instant.now().plus(properties.leaseLifetime());
    }

    /**
     * The heartbeat: lists calls that have been running since the last beat (what a crash would leave to
     * charge), renews leases halfway to their expiry and returns the idle and the retired ones.
     */
    @Scheduled(fixedDelayString = "${caravan.billing.lease-heartbeat:250ms}")
    public void heartbeat() {
        Beat beat = new Beat(System.nanoTime(), properties);
        for (Map.Entry<Holder, Lease> entry : leases.entrySet()) {
            if (beat.isIdle(entry.getValue())) {
                leases.remove(entry.getKey(), entry.getValue());
            }
        }
        // retired leases follow the same rules, though no new call comes: renewed while a long call (a stream at
        // midnight) still runs on one, returned once idle
        retired.removeIf(beat::isIdle);
        try {
            wallets.listLeasedCalls(beat.running);
            var renewed = wallets.renewLeases(beat.renew.stream().map(lease -> lease.id).toList(), expiry());
            for (Lease lease : beat.renew) {
                if (!renewed.contains(lease.id)) {
                    // the sweeper took it for a dead replica's (renewals failed for too long): stop spending it
                    LOG.warn("credit lease {} was settled by the sweeper; its key takes a new one", lease.id);
                    lease.enter();
                    try {
                        leases.values().remove(lease);
                        retired.remove(lease);
                        lease.closed = true;
                    } finally {
                        lease.exit();
                    }
                }
            }
            returnLeases(beat.returning);
        } catch (RuntimeException e) {
            // the database is away: a lease not renewed expires and is settled by the sweeper; nothing is lost
            LOG.warn("credit lease heartbeat failed: {}", e.toString());
        }
    }

    private void returnLeases(List<Lease> returning) {
        List<WalletService.Settlement> returns = new ArrayList<>();
        for (Lease lease : returning) {
            if (lease.everGranted) {
                returns.add(new WalletService.Settlement(lease.id, lease.userId, lease.keyId, BigDecimal.ZERO,
                        "credit lease returned", null));
            }
        }
        wallets.settleAll(returns);
    }

    /** On shutdown (after the web server and the ledger have finished their calls): every lease goes back. */
    @PreDestroy
    public void returnAll() {
        List<Lease> all = new ArrayList<>(leases.values());
        leases.clear();
        for (Lease lease; (lease = retired.poll()) != null;) {
            all.add(lease);
        }
        for (Lease lease : all) {
            if (!lease.open.isEmpty()) {
                LOG.warn("credit lease {} returned with {} calls still open", lease.id, lease.open.size());
            }
        }
        try {
            returnLeases(all);
        } catch (RuntimeException e) {
            LOG.warn("credit leases not returned on shutdown (they expire and are returned by the sweeper): {}", e.toString());
        }
    }

    /** One heartbeat: what it found to list, renew and return. */
    private static final class Beat {
        final long now;
        final long idleNanos;
        final long renewNanos;
        final long staleBefore;
        final List<CreditHold> running = new ArrayList<>();
        final List<Lease> renew = new ArrayList<>();
        final List<Lease> returning = new ArrayList<>();

        Beat(long now, BillingProperties properties) {
            this.now = now;
            this.idleNanos = properties.idleLease().toNanos();
            this.renewNanos = properties.leaseLifetime().toNanos() / 2;
            this.staleBefore = now - properties.ttl().toNanos();
        }

        /**
         * Looks at one lease under its lock: releases holds left open too long, and either closes it to be
         * returned (true: no call for lease-idle) or notes its new running calls and whether it is due a renewal.
         */
        boolean isIdle(Lease lease) {
            lease.enter();
            try {
                lease.releaseStale(staleBefore);
                if (lease.local) {
                    return false;
                }
                if (lease.open.isEmpty() && now - lease.lastUsedNanos >= idleNanos) {
                    lease.closed = true;
                    returning.add(lease);
                    return true;
                }
                lease.unlisted(running);
                if (lease.everGranted && now - lease.renewedAt >= renewNanos) {
                    lease.renewedAt = now;
                    renew.add(lease);
                }
                return false;
            } finally {
                lease.exit();
            }
        }
    }

    /**
     * Credit this replica holds for one key; its fields are guarded by {@link #lock}, taken with {@link #enter}
     * and let go with {@link #exit}. The lock is held across a database round trip while the lease grows, so a
     * call that ends meanwhile does not wait for it: its release is queued and applied by whoever holds the lock
     * next, before that one reads the lease (see {@link #release}).
     */
    static final class Lease {
        final String id;
        final UUID userId;
        final UUID keyId;
        final LocalDate day;
        final BigDecimal dailyBudget;
        final BigDecimal monthlyBudget;
        private final ReentrantLock lock = new ReentrantLock();
        /** Holds closed while another thread held the lock, not yet taken off the lease. */
        private final Queue<Release> releases = new ConcurrentLinkedQueue<>();
        /** What PostgreSQL holds for this lease, less the costs of calls ended since (the ledger draws those). */
        volatile BigDecimal granted = BigDecimal.ZERO;
        boolean everGranted;
        /** Opened by {@link #openLocalLease}: nothing of it is in PostgreSQL, and it stays until closed. */
        boolean local;
        /** The sum of the open holds. */
        BigDecimal held = BigDecimal.ZERO;
        final Map<String, CreditHold> open = new LinkedHashMap<>();
        long lastUsedNanos = System.nanoTime();
        long renewedAt = System.nanoTime();
        boolean closed;

        Lease(String id, UUID userId, UUID keyId, LocalDate day, BigDecimal dailyBudget, BigDecimal monthlyBudget) {
            this.id = id;
            this.userId = userId;
            this.keyId = keyId;
            this.day = day;
            this.dailyBudget = dailyBudget;
            this.monthlyBudget = monthlyBudget;
        }

        BigDecimal free() {
            return granted.subtract(held);
        }

        /** Whether calls of this identity may still draw on it: same day, same budgets. */
        boolean fits(Identity identity, LocalDate today) {
            ApiKey key = identity.key();
            return day.equals(today) && Objects.equals(dailyBudget, key == null ? null : key.dailyBudget())
                    && Objects.equals(monthlyBudget, key == null ? null : key.monthlyBudget());
        }

        CreditHold take(String requestId, BigDecimal amount) {
            CreditHold hold = new CreditHold(this, requestId, amount);
            held = held.add(amount);
            open.put(requestId, hold);
            lastUsedNanos = System.nanoTime();
            return hold;
        }

        /** Takes the lock, waiting for it, and brings the lease up to date with the holds closed meanwhile. */
        void enter() {
            lock.lock();
            applyReleases();
        }

        /** Takes the lock if no other thread holds it, as {@link #enter} does; false (and not taken) otherwise. */
        boolean tryEnter() {
            if (!lock.tryLock()) {
                return false;
            }
            applyReleases();
            return true;
        }

        /** Lets go of the lock, then applies the releases that came while it was held. */
        void exit() {
            lock.unlock();
            applyReleasesIfFree();
        }

        /**
         * Gives a closed hold back, never waiting: the call may end on an event loop while another thread holds
         * the lock across a database round trip. The release is queued; this thread applies it when the lock is
         * free, else the thread holding it does, in {@link #exit} (which looks at the queue after letting go, so
         * a release queued while it held the lock is never left behind).
         */
        void release(CreditHold hold, BigDecimal cost) {
            releases.add(new Release(hold, cost));
            applyReleasesIfFree();
        }

        private void applyReleasesIfFree() {
            while (!releases.isEmpty() && lock.tryLock()) {
                try {
                    applyReleases();
                } finally {
                    lock.unlock();
                }
            }
        }

        /** Under the lock: takes the queued closed holds off the lease. */
        private void applyReleases() {
            for (Release release; (release = releases.poll()) != null;) {
                held = held.subtract(release.hold().amount());
                // the ledger draws the same cost from the lease in PostgreSQL, at most what the lease holds
                granted = granted.subtract(release.cost().min(granted).max(BigDecimal.ZERO));
                open.remove(release.hold().requestId());
                lastUsedNanos = System.nanoTime();
            }
        }

        /** A hold that was closed with what its call cost. */
        private record Release(CreditHold hold, BigDecimal cost) {
        }

        /**
         * Gives back holds taken before {@code staleBefore} (reservation-ttl ago) whose call never ended: a bug
         * left them open, and they would keep the lease from ever going back. Their leased_calls rows stay, so
         * once the lease is gone the sweeper charges them the worst case, as it does an expired reservation.
         */
        void releaseStale(long staleBefore) {
            for (CreditHold hold : List.copyOf(open.values())) {
                if (hold.takenNanos() - staleBefore < 0) {
                    LOG.warn("credit hold of call {} was open for longer than the reservation ttl: released", hold.requestId());
                    hold.close(BigDecimal.ZERO);
                }
            }
        }

        /** Adds the open holds not yet listed in leased_calls (and marks them listed). */
        void unlisted(List<CreditHold> into) {
            for (CreditHold hold : open.values()) {
                if (!hold.listed) {
                    hold.listed = true;
                    into.add(hold);
                }
            }
        }
    }
}
