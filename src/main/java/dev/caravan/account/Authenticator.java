package dev.caravan.account;

import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.OpenAiError;
import org.springframework.stereotype.Component;

/**
 * Decides who is calling, on the hot path: an API key from {@code Authorization: Bearer} or {@code X-API-Key}
 * (looked up by its hash, cached briefly so that a known key costs no database round trip), or a JWT bearer
 * token. Then the key's own rules: expiry, revocation, IP allowlist, allowed referrers. Every refusal is a
 * 401/403 in OpenAI's shape and an audit record without the secret.
 */
@Component
public class Authenticator {

    /** What the caller presented, taken from the HTTP request. */
    public record Credentials(String authorization, String apiKeyHeader, String remoteIp, String referer, String origin) {
    }

    private static final Duration NEGATIVE_TTL = Duration.ofSeconds(5);

    private final KeyStore keys;
    private final UserStore users;
    private final JwtVerifier jwt;
    private final AuditLog audit;
    private final Cache<ByteBuffer, Optional<KeyStore.Found>> cache;

    public Authenticator(KeyStore keys, UserStore users, JwtVerifier jwt, AuditLog audit, AuthProperties properties) {
        this.keys = keys;
        this.users = users;
        this.jwt = jwt;
        this.audit = audit;
        long positiveNanos = properties.cacheTtl().toNanos();
        this.cache = Caffeine.newBuilder().maximumSize(100_000)
                .expireAfter(new Expiry<ByteBuffer, Optional<KeyStore.Found>>() {
                    @Override
                    public long expireAfterCreate(ByteBuffer key, Optional<KeyStore.Found> value, long now) {
                        return value.isPresent() ? positiveNanos : Math.min(positiveNanos, NEGATIVE_TTL.toNanos());
                    }

                    @Override
                    public long expireAfterUpdate(ByteBuffer key, Optional<KeyStore.Found> value, long now, long current) {
                        return expireAfterCreate(key, value, now);
                    }

                    @Override
                    public long expireAfterRead(ByteBuffer key, Optional<KeyStore.Found> value, long now, long current) {
                        return current;
                    }
                }).build();
    }

    /**
     * Who is calling, looking the key up in PostgreSQL when it is not cached (and a JWT's user, always): this
     * may wait for the database.
     *
     * @throws ApiException 401 or 403 when the caller is refused
     */
    public Identity authenticate(Credentials credentials) {
        String token = token(credentials);
        if (isJwt(token)) {
            return fromJwt(token, credentials);
        }
        byte[] hash = ApiKeyFormat.hash(token);
        return checked(token, hash, cache.get(ByteBuffer.wrap(hash), h -> keys.findByHash(hash)), credentials);
    }

    /**
     * Who is calling, if that is known without waiting: the key's cache entry (found or not found) answers as
     * {@link #authenticate} would. Empty when only the database can answer: a key not in the cache, or a JWT
     * (verifying it needs no I/O, but its user is looked up in PostgreSQL on every call). A refusal is thrown
     * exactly as {@link #authenticate} throws it; its audit record is queued, never waited for (see
     * {@link AuditLog#authenticationFailed}).
     *
     * @throws ApiException 401 or 403 when the caller is refused
     */
    public Optional<Identity> authenticateCached(Credentials credentials) {
        String token = token(credentials);
        if (isJwt(token)) {
            return Optional.empty();
        }
        byte[] hash = ApiKeyFormat.hash(token);
        Optional<KeyStore.Found> found = cache.getIfPresent(ByteBuffer.wrap(hash));
        return found == null ? Optional.empty() : Optional.of(checked(token, hash, found, credentials));
    }

    /** The presented token: the bearer token, else the X-API-Key header; a caller without one is refused. */
    private String token(Credentials credentials) {
        String token = bearer(credentials.authorization());
        if (token == null && credentials.apiKeyHeader() != null && !credentials.apiKeyHeader().isBlank()) {
            token = credentials.apiKeyHeader().trim();
        }
        if (token == null || token.isEmpty()) {
            throw refuse(credentials, null, 401, "missing_api_key", "You didn't provide an API key. You need to provide "
                    + "your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), "
                    + "or in the X-API-Key header.");
        }
        return token;
    }

    private boolean isJwt(String token) {
        return !ApiKeyFormat.looksLikeKey(token) && jwt.enabled() && JwtVerifier.looksLikeJwt(token);
    }

    /** The key's own rules, applied to what the cache or the database found for the token's hash. */
    private Identity checked(String token, byte[] hash, Optional<KeyStore.Found> found, Credentials credentials) {
        // the index lookup finds the row; the comparison itself does not depend on where the bytes differ
        if (found.isEmpty() || !MessageDigest.isEqual(found.get().hash(), hash)) {
            throw refuse(credentials, ApiKeyFormat.prefix(token), 401, "invalid_api_key",
                    "Incorrect API key provided: " + ApiKeyFormat.masked(token) + ".");
        }
        ApiKey key = found.get().key();
        if (key.revoked()) {
            throw refuse(credentials, key.prefix(), 401, "key_revoked", "This API key has been revoked.");
        }
        if (key.expired(Instant.now())) {
            throw refuse(credentials, key.prefix(), 401, "key_expired", "This API key expired at " + key.expiresAt() + ".");
        }
        if (found.get().userDisabled()) {
            throw refuse(credentials, key.prefix(), 401, "account_disabled", "The account of this API key is disabled.");
        }
        if (!ipAllowed(key.ipAllowlist(), credentials.remoteIp())) {
            throw refuse(credentials, key.prefix(), 403, "ip_not_allowed",
                    "This API key may not be used from " + credentials.remoteIp() + ".");
        }
        if (!referrerAllowed(key.allowedReferrers(), credentials.referer(), credentials.origin())) {
            throw refuse(credentials, key.prefix(), 403, "referrer_not_allowed",
                    "This API key may not be used from this site.");
        }
        return new Identity(key.userId(), key, key.admin(), key.scopes(), key.prefix(), found.get().userRpm(),
                found.get().userTpm());
    }

    /**
     * Accepts {@code token} as {@code key} in this replica only, without a database row: the warm-up's credential
     * (see dev.caravan.warmup). It is checked as any cached key is, and dropped with {@link #forget}.
     */
    public void acceptLocally(String token, ApiKey key) {
        byte[] hash = ApiKeyFormat.hash(token);
        cache.put(ByteBuffer.wrap(hash), Optional.of(new KeyStore.Found(key, hash, false)));
    }

    /** Drops a key from this replica's cache at once (revocation, rotation, settings changes). */
    public void forget(byte[] hash) {
        cache.invalidate(ByteBuffer.wrap(hash));
    }

    public void forgetAll() {
        cache.invalidateAll();
    }

    private Identity fromJwt(String token, Credentials credentials) {
        JwtVerifier.Claims claims = jwt.verify(token);
        if (claims == null) {
            throw refuse(credentials, "jwt", 401, "invalid_token", "The bearer token is not valid or has expired.");
        }
        var user = users.find(claims.userId());
        if (user.isEmpty() || user.get().disabled()) {
            throw refuse(credentials, "jwt", 401, "invalid_token", "The bearer token's subject is not an active user.");
        }
        return new Identity(claims.userId(), null, false, claims.scopes(), "jwt:" + claims.userId(),
                user.get().rateLimitRpm(), user.get().rateLimitTpm());
    }

    private ApiException refuse(Credentials credentials, String keyPrefix, int status, String code, String message) {
        audit.authenticationFailed(keyPrefix, code, credentials.remoteIp());
        return new ApiException(new OpenAiError(status, message,
                status == 401 ? OpenAiError.AUTHENTICATION : OpenAiError.PERMISSION, null, code));
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return value.substring(7).trim();
        }
        return null;
    }

    static boolean ipAllowed(List<String> allowlist, String ip) {
        if (allowlist == null || allowlist.isEmpty()) {
            return true;
        }
        if (ip == null) {
            return false;
        }
        for (String block : allowlist) {
            if (Cidr.parse(block).contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** Allowed referrers are host names, or {@code *.example.com} for any subdomain. */
    static boolean referrerAllowed(List<String> allowed, String referer, String origin) {
        if (allowed == null || allowed.isEmpty()) {
            return true;
        }
        String host = host(origin != null ? origin : referer);
        if (host == null) {
            return false;
        }
        for (String pattern : allowed) {
            String p = pattern.toLowerCase();
            if (p.startsWith("*.") ? host.endsWith(p.substring(1)) : host.equals(p)) {
                return true;
            }
        }
        return false;
    }

    private static String host(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            String host = URI.create(url.trim()).getHost();
            return host == null ? null : host.toLowerCase();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
