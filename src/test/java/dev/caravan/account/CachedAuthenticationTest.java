package dev.caravan.account;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.openai.ApiException;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.TestJwt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Authenticator#authenticateCached}, the answer the event loop may wait for: against the real key store,
 * counting its lookups, on an authenticator of the test's own (so that no other test has warmed its cache).
 */
class CachedAuthenticationTest extends GatewayTestSupport {

    /** The real key store, counting the lookups that went to PostgreSQL. */
    private static final class CountingKeyStore extends KeyStore {
        final AtomicInteger lookups = new AtomicInteger();

        CountingKeyStore(org.springframework.jdbc.core.JdbcTemplate jdbc) {
            super(jdbc);
        }

        @Override
        public Optional<Found> findByHash(byte[] hash) {
            lookups.incrementAndGet();
            return super.findByHash(hash);
        }
    }

    @Autowired
    JwtVerifier jwt;
    @Autowired
    AuditLog audit;

    private CountingKeyStore keys;
    private Authenticator authenticator;

    @BeforeEach
    void freshAuthenticator() {
        keys = new CountingKeyStore(jdbc);
        authenticator = new Authenticator(keys, new UserStore(jdbc), jwt, audit,
                new AuthProperties(null, Duration.ofMinutes(10), null, null, null, null));
    }

    private static Authenticator.Credentials bearer(String token) {
        return new Authenticator.Credentials("Bearer " + token, null, "127.0.0.1", null, null);
    }

    private static String code(ApiException refusal) {
        return refusal.error().code();
    }

    @Test
    void aCachedKeyIsAnsweredWithoutTheDatabaseAndAKeyNotCachedNeedsIt() {
        Account account = newAccount(new BigDecimal("1"));

        assertThat(authenticator.authenticateCached(bearer(account.key()))).isEmpty();
        assertThat(keys.lookups).hasValue(0);

        Identity looked = authenticator.authenticate(bearer(account.key()));
        assertThat(keys.lookups).hasValue(1);

        Optional<Identity> cached = authenticator.authenticateCached(bearer(account.key()));
        assertThat(cached).isPresent();
        assertThat(cached.get().userId()).isEqualTo(account.userId()).isEqualTo(looked.userId());
        assertThat(cached.get().keyId()).isEqualTo(account.keyId());
        assertThat(keys.lookups).hasValue(1);
    }

    @Test
    void anUnknownKeyOnceLookedUpIsRefusedFromTheCache() {
        String unknown = "cvn_live_" + "Q".repeat(40);
        assertThat(authenticator.authenticateCached(bearer(unknown))).isEmpty();

        assertThatThrownBy(() -> authenticator.authenticate(bearer(unknown)))
                .isInstanceOfSatisfying(ApiException.class, refused -> assertThat(code(refused)).isEqualTo("invalid_api_key"));
        assertThatThrownBy(() -> authenticator.authenticateCached(bearer(unknown)))
                .isInstanceOfSatisfying(ApiException.class, refused -> {
                    assertThat(refused.error().status()).isEqualTo(401);
                    assertThat(code(refused)).isEqualTo("invalid_api_key");
                });
        assertThat(keys.lookups).hasValue(1);
    }

    @Test
    void revokedAndExpiredKeysInTheCacheAreStillRefused() {
        Account revoked = newAccount(new BigDecimal("1"));
        Account expired = newAccount(new BigDecimal("1"));
        // changed behind the gateway's back, so that what the cache holds is the changed row
        jdbc.update("update api_keys set revoked_at = now() where id = ?", revoked.keyId());
        jdbc.update("update api_keys set expires_at = now() - interval '1 minute' where id = ?", expired.keyId());
        assertThatThrownBy(() -> authenticator.authenticate(bearer(revoked.key()))).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> authenticator.authenticate(bearer(expired.key()))).isInstanceOf(ApiException.class);

        assertThatThrownBy(() -> authenticator.authenticateCached(bearer(revoked.key())))
                .isInstanceOfSatisfying(ApiException.class, refused -> {
                    assertThat(refused.error().status()).isEqualTo(401);
                    assertThat(code(refused)).isEqualTo("key_revoked");
                });
        assertThatThrownBy(() -> authenticator.authenticateCached(bearer(expired.key())))
                .isInstanceOfSatisfying(ApiException.class, refused -> assertThat(code(refused)).isEqualTo("key_expired"));
        assertThat(keys.lookups).hasValue(2);
    }

    @Test
    void aCachedKeyUsedFromAnAddressOutsideItsAllowlistIs403() {
        Account account = newAccount(new BigDecimal("1"));
        KeyService.Issued fenced = keyService.issue(new ApiKey(null, account.userId(), "fenced", null, true, false,
                List.of(), null, null, List.of("10.0.0.0/8"), List.of(), null, null, null, null, null, null));
        assertThatThrownBy(() -> authenticator.authenticate(bearer(fenced.secret()))).isInstanceOf(ApiException.class);

        assertThatThrownBy(() -> authenticator.authenticateCached(bearer(fenced.secret())))
                .isInstanceOfSatisfying(ApiException.class, refused -> {
                    assertThat(refused.error().status()).isEqualTo(403);
                    assertThat(code(refused)).isEqualTo("ip_not_allowed");
                });
    }

    @Test
    void aMissingKeyIsRefusedAndAJwtAlwaysNeedsTheDatabase() {
        assertThatThrownBy(() -> authenticator.authenticateCached(new Authenticator.Credentials(null, null, "127.0.0.1",
                null, null)))
                .isInstanceOfSatisfying(ApiException.class, refused -> assertThat(code(refused)).isEqualTo("missing_api_key"));

        // its user is looked up on every call, so a verified token is no answer without the database
        String token = TestJwt.hs256(userId, 300, null);
        assertThat(authenticator.authenticate(bearer(token)).userId()).isEqualTo(userId);
        assertThat(authenticator.authenticateCached(bearer(token))).isEmpty();
        assertThat(keys.lookups).hasValue(0);
    }
}
