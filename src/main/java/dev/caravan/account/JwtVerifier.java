package dev.caravan.account;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.springframework.stereotype.Component;

/**
 * Verifies JWT bearer tokens, the alternative to API keys: HS256 with a shared secret, RS256 against a JWKS
 * from configuration. {@code sub} must be a Caravan user id; {@code exp} is required; a {@code scope} claim
 * (space-separated models/profiles) narrows what the token may call.
 */
@Component
public class JwtVerifier {

    /** The verified claims Caravan uses. */
    public record Claims(UUID userId, List<String> scopes) {
    }

    private final List<DefaultJWTProcessor<SecurityContext>> processors = new ArrayList<>();

    public JwtVerifier(AuthProperties properties) {
        Set<String> required = new HashSet<>(List.of("sub", "exp"));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (properties.jwtIssuer() != null && !properties.jwtIssuer().isBlank()) {
            exact.issuer(properties.jwtIssuer());
        }
        Set<String> audience = properties.jwtAudience() == null || properties.jwtAudience().isBlank()
                ? null : Set.of(properties.jwtAudience());
        var claimsVerifier = new DefaultJWTClaimsVerifier<SecurityContext>(audience, exact.build(), required, null);
        if (properties.jwtHs256Secret() != null && !properties.jwtHs256Secret().isBlank()) {
            byte[] secret = properties.jwtHs256Secret().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (secret.length < 32) {
                throw new IllegalStateException("caravan.auth.jwt-hs256-secret must be at least 32 bytes");
            }
            DefaultJWTProcessor<SecurityContext> hs256 = new DefaultJWTProcessor<>();
            hs256.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)));
            hs256.setJWTClaimsSetVerifier(claimsVerifier);
            processors.add(hs256);
        }
        if (properties.jwtJwks() != null && !properties.jwtJwks().isBlank()) {
            try {
                JWKSet jwks = JWKSet.parse(properties.jwtJwks());
                DefaultJWTProcessor<SecurityContext> rs256 = new DefaultJWTProcessor<>();
                rs256.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(jwks)));
                rs256.setJWTClaimsSetVerifier(claimsVerifier);
                processors.add(rs256);
            } catch (ParseException e) {
                throw new IllegalStateException("caravan.auth.jwt-jwks is not a valid JWKS: " + e.getMessage());
            }
        }
    }

    public boolean enabled() {
        return !processors.isEmpty();
    }

    public static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        return first > 0 && token.indexOf('.', first + 1) > first && token.startsWith("eyJ");
    }

    /** The token's claims, or null when no configured key verifies it (bad signature, expired, wrong claims). */
    public Claims verify(String token) {
        for (DefaultJWTProcessor<SecurityContext> processor : processors) {
            try {
                JWTClaimsSet claims = processor.process(token, null);
                if (claims.getExpirationTime() == null || claims.getExpirationTime().before(new Date())) {
                    return null;
                }
                UUID user = UUID.fromString(claims.getSubject());
                String scope = claims.getStringClaim("scope");
                List<String> scopes = scope == null || scope.isBlank() ? List.of() : List.of(scope.trim().split("\\s+"));
                return new Claims(user, scopes);
            } catch (ParseException | BadJOSEException | JOSEException | IllegalArgumentException e) {
                // try the next configured algorithm
            }
        }
        return null;
    }
}
