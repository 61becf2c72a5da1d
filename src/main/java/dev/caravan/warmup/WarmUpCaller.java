package dev.caravan.warmup;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.caravan.account.ApiKey;
import dev.caravan.account.ApiKeyFormat;
import dev.caravan.account.Authenticator;
import dev.caravan.account.Identity;
import dev.caravan.billing.CreditLeases;

/**
 * The warm-up's credential: a fresh API key that only this process accepts, for a user that is not in the database
 * ({@link Identity#WARM_UP_USER}), with a credit lease of this process alone. Its calls take the common call's
 * path (a cached key, a hold on a lease with room) and touch no wallet: the ledger and the access log leave them out.
 */
final class WarmUpCaller implements AutoCloseable {

    private static final BigDecimal CREDIT = new BigDecimal("1000000");

    private final Authenticator authenticator;
    private final CreditLeases leases;
    private final String token = ApiKeyFormat.newKey(false);
    private final Identity identity;

    private WarmUpCaller(Authenticator authenticator, CreditLeases leases) {
        this.authenticator = authenticator;
        this.leases = leases;
        ApiKey key = new ApiKey(UUID.randomUUID(), Identity.WARM_UP_USER, "warm-up", ApiKeyFormat.prefix(token),
                false, false, List.of(), null, null, List.of(), List.of(), null, null, null, null, null, Instant.now());
        this.identity = new Identity(key.userId(), key, false, List.of(), key.prefix());
    }

    static WarmUpCaller open(Authenticator authenticator, CreditLeases leases) {
        WarmUpCaller caller = new WarmUpCaller(authenticator, leases);
        leases.openLocalLease(caller.identity, CREDIT);
        authenticator.acceptLocally(caller.token, caller.identity.key());
        return caller;
    }

    String token() {
        return token;
    }

    @Override
    public void close() {
        authenticator.forget(ApiKeyFormat.hash(token));
        leases.closeLocalLease(identity);
    }
}
