package dev.caravan.support;

import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** Signing keys the test gateway trusts (HS256 secret and an RS256 key in its JWKS), and tokens made with them. */
public final class TestJwt {

    public static final String HS256_SECRET = "test-secret-of-at-least-thirty-two-bytes!!";
    private static final RSAKey RSA;

    static {
        try {
            RSA = new RSAKeyGenerator(2048).keyID("test-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private TestJwt() {
    }

    public static String publicJwks() {
        return new JWKSet(RSA.toPublicJWK()).toString();
    }

    public static String hs256(UUID user, long expiresInSeconds, String scope) {
        return sign(claims(user, expiresInSeconds, scope), new JWSHeader(JWSAlgorithm.HS256), true, null);
    }

    public static String rs256(UUID user, long expiresInSeconds, String scope) {
        return sign(claims(user, expiresInSeconds, scope), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("test-key").build(),
                false, RSA);
    }

    /** An RS256 token signed by a key the gateway does not know. */
    public static String rs256WithUnknownKey(UUID user) {
        try {
            RSAKey other = new RSAKeyGenerator(2048).keyID("test-key").generate();
            return sign(claims(user, 300, null), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("test-key").build(), false, other);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWTClaimsSet claims(UUID user, long expiresInSeconds, String scope) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(user.toString())
                .expirationTime(new Date(System.currentTimeMillis() + expiresInSeconds * 1000));
        if (scope != null) {
            claims.claim("scope", scope);
        }
        return claims.build();
    }

    private static String sign(JWTClaimsSet claims, JWSHeader header, boolean hmac, RSAKey rsa) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(hmac ? new MACSigner(HS256_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)) : new RSASSASigner(rsa));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
