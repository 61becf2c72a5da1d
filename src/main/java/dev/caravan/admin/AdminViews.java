package dev.caravan.admin;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.account.ApiKey;
import dev.caravan.account.UserStore;
import dev.caravan.admin.http.JsonOut;
import dev.caravan.billing.WalletService;

/**
 * The JSON of users, wallets and keys in admin responses. A key is shown by its settings and visible prefix
 * only: neither the secret nor its hash ever leaves the database.
 */
final class AdminViews {

    private AdminViews() {
    }

    static ObjectNode user(UserStore.User user) {
        ObjectNode node = JsonOut.object("user");
        node.put("id", user.id().toString());
        JsonOut.putText(node, "email", user.email());
        node.put("name", user.name());
        node.put("disabled", user.disabled());
        JsonOut.putInt(node, "rate_limit_rpm", user.rateLimitRpm());
        JsonOut.putInt(node, "rate_limit_tpm", user.rateLimitTpm());
        JsonOut.putTime(node, "created_at", user.createdAt());
        return node;
    }

    static ObjectNode wallet(WalletService.Balance balance) {
        ObjectNode node = JsonOut.object("wallet");
        node.put("user_id", balance.userId().toString());
        JsonOut.putMoney(node, "balance", balance.balance());
        JsonOut.putMoney(node, "reserved", balance.reserved());
        JsonOut.putMoney(node, "available", balance.available());
        node.put("currency", JsonOut.CURRENCY);
        return node;
    }

    static ObjectNode key(ApiKey key) {
        ObjectNode node = JsonOut.object("api_key");
        node.put("id", key.id().toString());
        node.put("user_id", key.userId().toString());
        node.put("name", key.name());
        node.put("prefix", key.prefix());
        node.put("status", status(key));
        node.put("test", key.test());
        node.put("admin", key.admin());
        JsonOut.putTexts(node, "scopes", key.scopes());
        JsonOut.putTime(node, "expires_at", key.expiresAt());
        JsonOut.putTime(node, "revoked_at", key.revokedAt());
        JsonOut.putTexts(node, "ip_allowlist", key.ipAllowlist());
        JsonOut.putTexts(node, "allowed_referrers", key.allowedReferrers());
        JsonOut.putMoney(node, "daily_budget", key.dailyBudget());
        JsonOut.putMoney(node, "monthly_budget", key.monthlyBudget());
        JsonOut.putInt(node, "rate_limit_rpm", key.rateLimitRpm());
        JsonOut.putInt(node, "rate_limit_tpm", key.rateLimitTpm());
        JsonOut.putId(node, "rotated_from", key.rotatedFrom());
        JsonOut.putTime(node, "created_at", key.createdAt());
        return node;
    }

    /** A key with its secret: the only response that ever carries one, right after it is made. */
    static ObjectNode issuedKey(ApiKey key, String secret) {
        ObjectNode node = key(key);
        node.put("key", secret);
        return node;
    }

    static String status(ApiKey key) {
        if (key.revoked()) {
            return "revoked";
        }
        return key.expired(Instant.now()) ? "expired" : "active";
    }
}
