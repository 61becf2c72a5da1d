package dev.caravan.account;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Authentication settings.
 *
 * @param adminKey      the admin key (CARAVAN_ADMIN_KEY); empty: one is generated on first embedded start
 * @param keyCacheTtl   how long a key lookup is cached; changes reach other replicas at once through
 *                      {@link KeyCacheSync}, and within this only while its listener is disconnected
 * @param jwtHs256Secret HS256 secret for JWT bearer tokens (at least 32 bytes); empty disables HS256
 * @param jwtJwks       a JWKS (JSON) with the RS256 public keys tokens may be signed with; empty disables RS256
 * @param jwtIssuer     required {@code iss} claim, if set
 * @param jwtAudience   required {@code aud} claim, if set
 */
@ConfigurationProperties("caravan.auth")
public record AuthProperties(String adminKey, Duration keyCacheTtl, String jwtHs256Secret, String jwtJwks,
        String jwtIssuer, String jwtAudience) {

    public Duration cacheTtl() {
        return keyCacheTtl == null ? Duration.ofSeconds(30) : keyCacheTtl;
    }
}
