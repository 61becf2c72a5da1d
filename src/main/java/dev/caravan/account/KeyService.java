package dev.caravan.account;

import java.time.Instant;
import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creating, rotating and revoking API keys. The key itself exists only in the value returned once. */
@Service
public class KeyService {

    /** A new key: its stored form and the secret, shown this once. */
    public record Issued(ApiKey key, String secret) {
    }

    private final KeyStore keys;
    private final KeyCacheSync keyCaches;

    public KeyService(KeyStore keys, KeyCacheSync keyCaches) {
        this.keys = keys;
        this.keyCaches = keyCaches;
    }

    /** Issues a key with the given settings (id, prefix and creation time are filled in here). */
    @Transactional
    public Issued issue(ApiKey settings) {
        String secret = ApiKeyFormat.newKey(settings.test());
        ApiKey key = new ApiKey(UUID.randomUUID(), settings.userId(), settings.name(), ApiKeyFormat.prefix(secret),
                settings.test(), settings.admin(), settings.scopes(), settings.expiresAt(), null, settings.ipAllowlist(),
                settings.allowedReferrers(), settings.dailyBudget(), settings.monthlyBudget(), settings.rateLimitRpm(),
                settings.rateLimitTpm(), settings.rotatedFrom(), Instant.now());
        keys.insert(key, ApiKeyFormat.hash(secret));
        return new Issued(key, secret);
    }

    /** Stores a key whose secret was chosen elsewhere (the configured admin key). */
    @Transactional
    public ApiKey register(ApiKey settings, String secret) {
        ApiKey key = new ApiKey(UUID.randomUUID(), settings.userId(), settings.name(), ApiKeyFormat.prefix(secret),
                settings.test(), settings.admin(), settings.scopes(), settings.expiresAt(), null, settings.ipAllowlist(),
                settings.allowedReferrers(), settings.dailyBudget(), settings.monthlyBudget(), settings.rateLimitRpm(),
                settings.rateLimitTpm(), null, Instant.now());
        keys.insert(key, ApiKeyFormat.hash(secret));
        return key;
    }

    /** A new secret with the same settings; the old key is revoked in the same transaction. */
    @Transactional
    public Issued rotate(ApiKey old) {
        keys.revoke(old.id());
        keyCaches.keysChanged();
        return issue(new ApiKey(null, old.userId(), old.name(), null, old.test(), old.admin(), old.scopes(),
                old.expiresAt(), null, old.ipAllowlist(), old.allowedReferrers(), old.dailyBudget(), old.monthlyBudget(),
                old.rateLimitRpm(), old.rateLimitTpm(), old.id(), null));
    }

    @Transactional
    public boolean revoke(UUID id) {
        boolean revoked = keys.revoke(id);
        keyCaches.keysChanged();
        return revoked;
    }

    @Transactional
    public void update(ApiKey key) {
        keys.update(key);
        keyCaches.keysChanged();
    }
}
