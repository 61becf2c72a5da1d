package dev.caravan.account;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An API key as stored (never the key itself).
 *
 * @param scopes          models/profiles the key may call ({@code fast}, {@code groq/*}, {@code *}); empty means all
 * @param ipAllowlist     CIDR blocks the key may be used from; empty means anywhere
 * @param allowedReferrers hosts a browser may send the key from ({@code Referer}/{@code Origin}); empty means any
 * @param dailyBudget     spending limit per calendar day; null for none
 * @param monthlyBudget   spending limit per calendar month; null for none
 */
public record ApiKey(UUID id, UUID userId, String name, String prefix, boolean test, boolean admin, List<String> scopes,
        Instant expiresAt, Instant revokedAt, List<String> ipAllowlist, List<String> allowedReferrers,
        BigDecimal dailyBudget, BigDecimal monthlyBudget, Integer rateLimitRpm, Integer rateLimitTpm, UUID rotatedFrom,
        Instant createdAt) {

    public boolean revoked() {
        return revokedAt != null;
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
