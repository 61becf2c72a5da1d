package dev.caravan.account;

import java.util.List;
import java.util.UUID;

/**
 * Who is calling: a user, through one of their API keys (null for a JWT), with the scopes and budgets
 * that apply to this call.
 *
 * @param userRpm the user's own requests-per-minute limit; null when the configured default applies
 * @param userTpm the user's own tokens-per-minute limit; null when the configured default applies
 */
public record Identity(UUID userId, ApiKey key, boolean admin, List<String> scopes, String label, Integer userRpm,
        Integer userTpm) {

    /** A caller whose user has no limits of its own. */
    public Identity(UUID userId, ApiKey key, boolean admin, List<String> scopes, String label) {
        this(userId, key, admin, scopes, label, null, null);
    }

    public static final String PROPERTY = "caravan.identity";

    /**
     * The user of the process-local credential that warms the gateway up before it reports ready (see
     * dev.caravan.warmup): it is not in the database, its credit lease is never taken from a wallet, and its
     * calls are neither logged nor written to the ledger.
     */
    public static final UUID WARM_UP_USER = new UUID(0L, 0x7761726dL);

    /** Whether this is the warm-up's caller rather than a tenant. */
    public boolean warmUp() {
        return WARM_UP_USER.equals(userId);
    }

    public UUID keyId() {
        return key == null ? null : key.id();
    }

    /** Whether the model or profile the client named is within the scopes (empty scopes allow everything). */
    public boolean allows(String model) {
        if (scopes == null || scopes.isEmpty()) {
            return true;
        }
        for (String scope : scopes) {
            if (scope.equals("*") || scope.equals(model)
                    || scope.endsWith("/*") && model.startsWith(scope.substring(0, scope.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
