package dev.caravan.admin;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.account.ApiKey;
import dev.caravan.account.Cidr;
import dev.caravan.admin.http.JsonFields;
import dev.caravan.openai.ApiException;

/**
 * Reads and checks the settings of an API key from an admin request: CIDR blocks must parse, budgets are
 * at least zero, an expiry lies in the future, referrers are host names. A key that would be broken on
 * arrival (already expired, an allowlist that cannot match) is refused here rather than discovered later.
 */
final class KeySettings {

    private static final Set<String> FIELDS = Set.of("name", "test", "admin", "scopes", "expires_at", "ip_allowlist",
            "allowed_referrers", "daily_budget", "monthly_budget", "rate_limit_rpm", "rate_limit_tpm");

    private static final int MAX_ITEMS = 100;
    /** An IP literal, so that {@link Cidr#parse} never resolves a host name through DNS. */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    private static final Pattern SCOPE = Pattern.compile("\\S+");

    private KeySettings() {
    }

    /** The settings of a new key for {@code userId}. */
    static ApiKey forNewKey(ObjectNode body, UUID userId) {
        JsonFields.rejectUnknown(body, FIELDS);
        String name = JsonFields.requiredText(body, "name", 200);
        boolean test = Boolean.TRUE.equals(JsonFields.optionalBoolean(body, "test"));
        boolean admin = Boolean.TRUE.equals(JsonFields.optionalBoolean(body, "admin"));
        return new ApiKey(null, userId, name, null, test, admin, scopes(body), expiry(body), null, ipAllowlist(body),
                referrers(body), JsonFields.optionalBudget(body, "daily_budget"),
                JsonFields.optionalBudget(body, "monthly_budget"), JsonFields.optionalPositiveInt(body, "rate_limit_rpm"),
                JsonFields.optionalPositiveInt(body, "rate_limit_tpm"), null, null);
    }

    /**
     * The settings of {@code current} with the fields the body sets: an absent field stays as it is, null clears
     * it. Whether a key is a test or an admin key is part of its secret's meaning and cannot change: issue a new key.
     */
    static ApiKey updated(ObjectNode body, ApiKey current) {
        JsonFields.rejectUnknown(body, FIELDS);
        for (String fixed : List.of("test", "admin")) {
            if (body.has(fixed)) {
                throw ApiException.invalid("'" + fixed + "' cannot be changed on an existing key; issue a new key instead.",
                        fixed, "immutable_parameter");
            }
        }
        if (body.isEmpty()) {
            throw ApiException.invalid("Nothing to update: set at least one key setting.", null, "empty_update");
        }
        String name = body.has("name") ? JsonFields.requiredText(body, "name", 200) : current.name();
        List<String> scopes = body.has("scopes") ? scopes(body) : current.scopes();
        Instant expiresAt = body.has("expires_at") ? expiry(body) : current.expiresAt();
        List<String> ips = body.has("ip_allowlist") ? ipAllowlist(body) : current.ipAllowlist();
        List<String> referrers = body.has("allowed_referrers") ? referrers(body) : current.allowedReferrers();
        BigDecimal daily = body.has("daily_budget") ? JsonFields.optionalBudget(body, "daily_budget") : current.dailyBudget();
        BigDecimal monthly = body.has("monthly_budget") ? JsonFields.optionalBudget(body, "monthly_budget")
                : current.monthlyBudget();
        Integer rpm = body.has("rate_limit_rpm") ? JsonFields.optionalPositiveInt(body, "rate_limit_rpm")
                : current.rateLimitRpm();
        Integer tpm = body.has("rate_limit_tpm") ? JsonFields.optionalPositiveInt(body, "rate_limit_tpm")
                : current.rateLimitTpm();
        return new ApiKey(current.id(), current.userId(), name, current.prefix(), current.test(), current.admin(), scopes,
                expiresAt, current.revokedAt(), ips, referrers, daily, monthly, rpm, tpm, current.rotatedFrom(),
                current.createdAt());
    }

    /** The settings of a key for the audit log: everything but secrets (the key shows as its prefix). */
    static String describe(ApiKey key) {
        return "prefix=" + key.prefix() + " name=" + key.name() + " test=" + key.test() + " admin=" + key.admin()
                + " scopes=" + key.scopes() + " expires_at=" + key.expiresAt() + " ip_allowlist=" + key.ipAllowlist()
                + " allowed_referrers=" + key.allowedReferrers() + " daily_budget=" + plain(key.dailyBudget())
                + " monthly_budget=" + plain(key.monthlyBudget()) + " rate_limit_rpm=" + key.rateLimitRpm()
                + " rate_limit_tpm=" + key.rateLimitTpm();
    }

    private static String plain(BigDecimal amount) {
        return amount == null ? "null" : amount.stripTrailingZeros().toPlainString();
    }

    private static List<String> scopes(ObjectNode body) {
        List<String> scopes = JsonFields.textList(body, "scopes", MAX_ITEMS, 200);
        for (int i = 0; i < scopes.size(); i++) {
            if (!SCOPE.matcher(scopes.get(i)).matches()) {
                throw ApiException.invalid("Invalid 'scopes[" + i + "]': a model, a profile, provider/* or *, without "
                        + "spaces.", "scopes[" + i + "]", "invalid_value");
            }
        }
        return scopes;
    }

    private static Instant expiry(ObjectNode body) {
        Instant expiresAt = JsonFields.optionalInstant(body, "expires_at");
        if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
            throw ApiException.invalid("Invalid 'expires_at': " + expiresAt + " is not in the future. To stop a key now, "
                    + "revoke it.", "expires_at", "invalid_value");
        }
        return expiresAt;
    }

    private static List<String> ipAllowlist(ObjectNode body) {
        List<String> blocks = JsonFields.textList(body, "ip_allowlist", MAX_ITEMS, 64);
        for (int i = 0; i < blocks.size(); i++) {
            String block = blocks.get(i);
            String address = block.contains("/") ? block.substring(0, block.indexOf('/')) : block;
            boolean valid = IP_LITERAL.matcher(address).matches();
            if (valid) {
                try {
                    Cidr.parse(block);
                } catch (IllegalArgumentException e) {
                    valid = false;
                }
            }
            if (!valid) {
                throw ApiException.invalid("Invalid 'ip_allowlist[" + i + "]': '" + block + "' is not a CIDR block such as "
                        + "10.0.0.0/8 or 2001:db8::/32.", "ip_allowlist[" + i + "]", "invalid_value");
            }
        }
        return blocks;
    }

    private static List<String> referrers(ObjectNode body) {
        List<String> hosts = JsonFields.textList(body, "allowed_referrers", MAX_ITEMS, 253).stream()
                .map(String::toLowerCase).toList();
        for (int i = 0; i < hosts.size(); i++) {
            if (!HOST.matcher(hosts.get(i)).matches()) {
                throw ApiException.invalid("Invalid 'allowed_referrers[" + i + "]': '" + hosts.get(i) + "' is not a host "
                        + "name such as app.example.com or *.example.com.", "allowed_referrers[" + i + "]", "invalid_value");
            }
        }
        return hosts;
    }
}
